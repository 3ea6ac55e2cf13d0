#pragma once
// The load's progress (NetworkOptions::progress) as one line on stderr, rewritten in place, while
// a model loads and runs for the first time; only on a terminal, nothing when stderr is piped.
#include <functional>
#include <mutex>
#include <string>

#include "vkception/vkception.hpp"

namespace vkc::app {

class ProgressLine {
 public:
  explicit ProgressLine(std::string app);  // shown when stderr is a terminal
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // For NetworkOptions::progress; empty (no calls) when not shown.
  std::function<void(const StartupProgress&)> callback();
  void clear();  // erases the line (before results are printed)

 private:
  void show(const StartupProgress& p);
  std::string app_;
  bool enabled_;
  size_t width_ = 0;  // of the line now shown
  std::mutex mutex_;
};

}  // namespace vkc::app
