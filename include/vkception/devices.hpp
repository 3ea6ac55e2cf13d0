#pragma once
// The Vulkan devices vkception can run on, as plain values (no Vulkan types), for choosing
// ContextOptions::device and for printing what a device offers (vkc-info).
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vkc {

struct MemoryHeap {
  uint64_t bytes = 0;
  bool deviceLocal = false;
};

// The limits and features the kernels depend on (what the library reads: clamped to the
// Vulkan 1.1 minimum in minimum-limits mode).
struct DeviceLimits {
  uint32_t subgroupSize = 0;
  uint32_t maxSharedMemoryBytes = 0;
  uint32_t maxWorkgroupInvocations = 0;
  std::array<uint32_t, 3> maxWorkgroupSize{}, maxWorkgroupCount{};
  uint64_t maxStorageBufferRange = 0;
  uint32_t maxMemoryAllocationCount = 0;
  uint64_t maxMemoryAllocationSize = 0;
  uint64_t minStorageBufferOffsetAlignment = 0;
  uint32_t maxPushConstantsBytes = 0;
  uint64_t nonCoherentAtomSize = 0;
  uint32_t maxTexelBufferElements = 0;
  uint32_t maxPerStageStorageBuffers = 0;
  bool timestamps = false;
  bool storageBuffer16BitAccess = false;
  bool shaderFloat16 = false;
  bool shaderInt8 = false;
};

struct DeviceDescription {
  int index = 0;  // ContextOptions::device
  std::string name;
  std::string type;    // "discrete", "integrated", "virtual", "cpu", "other"
  std::string vendor;  // "NVIDIA", "AMD", "Intel", "Mesa", ... or the PCI id in hex
  uint32_t vendorId = 0, deviceId = 0;
  std::string driver;  // driver name and info, or the decoded driver version
  std::string driverName, driverInfo, driverVersion, apiVersion;
  uint64_t memoryBytes = 0;    // largest device-local heap
  bool fp16 = false;           // Precision::Fp16 can run here
  bool isDefault = false;      // what ContextOptions::device = -1 picks (VKC_DEVICE, else best)
  bool minimumLimits = false;  // limits read as the Vulkan 1.1 minimum (VKC_LIMITS=minimum)
  int computeQueueFamily = -1;
  DeviceLimits limits;
  // How the library runs its work on this device (vk::DevicePolicy), as (name, value) lines:
  // device_class, conv_register_blocks, ..., fp16, pipeline_cache, driver_bug <id>
  // (docs/portability.md).
  std::vector<std::pair<std::string, std::string>> policy;
  std::vector<MemoryHeap> heaps;
  // Shorthands kept from the earlier DeviceSummary.
  uint32_t subgroupSize = 0;
  uint64_t maxStorageBufferRange = 0;
};
using DeviceSummary = DeviceDescription;

// Every Vulkan device the loader reports, in loader order (index = position). Throws vkc::Error
// (UnsupportedDevice) when there is no Vulkan driver.
std::vector<DeviceDescription> devices();

}  // namespace vkc
