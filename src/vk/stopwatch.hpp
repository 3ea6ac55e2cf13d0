#pragma once
// Wall-clock milliseconds since construction or the last restart(): the load-time breakdown
// (vkc::StartupTimings), the kernel cache's compile times and the peak probe. In the lowest
// layer so that every layer can time its work with the same clock.
#include <chrono>

namespace vkc::vk {

class Stopwatch {
 public:
  double ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
        .count();
  }
  void restart() { start_ = std::chrono::steady_clock::now(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace vkc::vk
