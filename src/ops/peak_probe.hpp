#pragma once
// Measures the device's FMA throughput (fp32, or fp16 where supported) with our own probe
// shader, so a network's speed can be judged as a fraction of what this device can do.
#include "ops/precision.hpp"
#include "vk/device.hpp"

namespace vkc::ops {

struct PeakResult {
  double gflops = 0;  // best of the runs
  double ms = 0;
};

PeakResult measurePeak(vk::Device& device, Precision precision, int runs = 5);

}  // namespace vkc::ops
