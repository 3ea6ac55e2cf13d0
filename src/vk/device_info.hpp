#pragma once
// What vkception needs to know about a physical device: identity, compute limits, features.
#include <vulkan/vulkan.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "vkception/devices.hpp"

namespace vkc::vk {

struct MemoryHeapInfo {
  uint64_t size = 0;
  bool deviceLocal = false;
};

// The public limits (vkc::DeviceLimits, what vkc::devices() reports) under the same names, and
// what the library needs besides.
struct DeviceInfo : DeviceLimits {
  uint32_t index = 0;
  VkPhysicalDevice handle = VK_NULL_HANDLE;
  std::string name;
  std::string type;  // "discrete", "integrated", "virtual", "cpu", "other"
  uint32_t vendorId = 0, deviceId = 0;
  std::string driverName, driverInfo;
  uint32_t driverVersion = 0;
  uint32_t apiVersion = 0;
  // Shader cores (NVIDIA SMs, AMD compute units, Arm shader cores) where the device reports them
  // (VK_NV_shader_sm_builtins, VK_AMD_shader_core_properties, VK_ARM_shader_core_builtins); 0
  // where it does not.
  uint32_t shaderCores = 0;
  uint64_t minTexelBufferOffsetAlignment = 0;
  uint32_t maxPerStageSampledImages = 0;  // uniform texel buffers count against it
  uint32_t maxPerStageStorageImages = 0;  // storage texel buffers count against it
  bool minimumLimits = false;             // clamped by clampToVulkan11Minimum
  float timestampPeriodNs = 0;
  bool fp16TexelBuffers = false;  // r16f and rgba16f uniform texel buffers
  // r32f, rgba32f, r16f and rgba16f storage texel buffers (the first three are core; r16f not)
  bool storageTexelBuffers = false;
  std::vector<MemoryHeapInfo> heaps;
  int computeQueueFamily = -1;
  uint8_t pipelineCacheUUID[VK_UUID_SIZE] = {};
  uint8_t deviceUUID[VK_UUID_SIZE] = {};  // VkPhysicalDeviceIDProperties (zero before Vulkan 1.1)
  // Device extensions that change how the device is created: VK_KHR_portability_subset must be
  // enabled where present (MoltenVK); VK_KHR_shader_float16_int8 before Vulkan 1.2.
  bool portabilitySubset = false;
  bool float16Int8Extension = false;

  // Where a tensor or weight range may start so that it can be bound both as a storage buffer
  // and as a texel buffer (both limits are powers of two).
  // Bytes of the largest device-local memory heap (0 if none is reported): the budget weights
  // and activation chunks are held to.
  uint64_t largestDeviceLocalHeap() const {
    uint64_t largest = 0;
    for (const MemoryHeapInfo& h : heaps) {
      if (h.deviceLocal) largest = std::max(largest, h.size);
    }
    return largest;
  }
  uint64_t bindingAlignment() const {
    return std::max<uint64_t>({minStorageBufferOffsetAlignment, minTexelBufferOffsetAlignment, 16});
  }
};

// What the library reads of `info` becomes the Vulkan 1.1 core minimum (maxTexelBufferElements
// 65536, maxStorageBufferRange 2^27, 4 storage buffers per stage, 65535 workgroups, 128-byte
// push constants, 256-byte offset alignments, ...) and no optional feature is reported: what
// passes in this mode (DeviceOptions::minimumLimits) stays within what every conformant device
// offers. Memory heaps and the subgroup size are kept.
void clampToVulkan11Minimum(DeviceInfo& info);

// Every physical device the loader reports, in loader order (index = position).
std::vector<DeviceInfo> enumerateDevices(VkInstance instance);

// The preferred device (discrete > integrated > virtual > CPU), or `requested` where it is >= 0.
// Throws vkc::Error for a bad index or no device.
const DeviceInfo& chooseDevice(const std::vector<DeviceInfo>& devices, int requested);

std::string apiVersionString(uint32_t version);
std::string driverVersionString(const DeviceInfo& info);

}  // namespace vkc::vk
