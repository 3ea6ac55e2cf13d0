#pragma once
// One place that decides, per device, what the kernels and the scheduler may assume: computed
// once from the device's properties (Device::policy()), printed by vkc-info and vkc-bench --json.
// Nothing else asks what kind of device it runs on.
#include <string>

#include "vk/device_info.hpp"

namespace vkc::vk {

enum class DeviceClass {
  Nvidia,
  Amd,
  Intel,
  ArmMali,
  QualcommAdreno,
  ImgPowerVR,
  BroadcomV3D,
  Apple,
  CpuDriver,
  Other
};

struct DevicePolicy {
  DeviceClass deviceClass = DeviceClass::Other;
  // Large register blocks (32 channels x 3 quads in conv1x1): CPU drivers keep accumulators in
  // L1 and gain from the fewer fetches; a GPU thread would spill them (at most 255 registers).
  bool largeConvBlocks = false;
  // Nominal GFLOP one command buffer may carry before an inference is split into several,
  // submitted together: a GPU runs one for well under the watchdogs' time (Windows TDR 2 s,
  // mobile and V3D job timeouts), at a throughput assumed low for the class. 0: no limit (CPU
  // drivers have no watchdog).
  double submitBudgetGflop = 0;
  // Inputs and weights through storage buffers instead of texel buffers in every dispatch, not
  // only where a texel view would exceed maxTexelBufferElements. Off by default on every class
  // (texel reads are the fast path measured on lavapipe; no GPU has been measured yet);
  // VKC_READS=storage turns it on (tests of the storage path, benchmarks).
  bool storageReads = false;
};

DevicePolicy policyFor(const DeviceInfo& device);
const char* deviceClassName(DeviceClass c);

}  // namespace vkc::vk
