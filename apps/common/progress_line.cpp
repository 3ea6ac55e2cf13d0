#include "common/progress_line.hpp"

#include <unistd.h>

#include <cstdio>

namespace vkc::app {

ProgressLine::ProgressLine(std::string app)
    : app_(std::move(app)), enabled_(isatty(STDERR_FILENO) == 1) {}

std::function<void(const StartupProgress&)> ProgressLine::callback() {
  if (!enabled_) return {};
  return [this](const StartupProgress& p) { show(p); };
}

void ProgressLine::show(const StartupProgress& p) {
  std::string line = app_ + ": " + p.step;
  if (p.total > 0) line += " " + std::to_string(p.done) + "/" + std::to_string(p.total);
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t shown = width_;
  width_ = line.size();
  if (line.size() < shown) line.append(shown - line.size(), ' ');  // cover the longer line
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
}

void ProgressLine::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (width_ == 0) return;
  std::fprintf(stderr, "\r%s\r", std::string(width_, ' ').c_str());
  std::fflush(stderr);
  width_ = 0;
}

}  // namespace vkc::app
