#pragma once
// Measures the device's fp32 FMA throughput with our own probe shader, so a network's speed can
// be judged as a fraction of what this device can do.
#include "vk/device.hpp"

namespace vkc::ops {

struct PeakResult {
  double gflops = 0;  // best of the runs
  double ms = 0;
};

PeakResult measureFp32Peak(vk::Device& device, int runs = 5);

}  // namespace vkc::ops
