#include "vk/device_profiles.hpp"

#include <algorithm>
#include <cstdlib>

#include "vkception/error.hpp"

namespace vkc::vk {

const std::vector<DeviceProfile>& deviceProfiles() {
  static const std::vector<DeviceProfile> profiles = [] {
    DeviceProfile v3d;
    v3d.name = "v3d";
    v3d.device = "Broadcom V3D 4.2 / 7.1 (Raspberry Pi 4 / 5), Mesa v3dv";
    v3d.source = "Mesa src/broadcom/vulkan/v3dv_device.c, v3dv_limits.h, common/v3d_limits.h";
    v3d.vendorId = 0x14E4;
    v3d.subgroupSize = 16;  // V3D_CHANNELS
    v3d.maxSharedMemoryBytes = 16384;
    v3d.maxWorkgroupInvocations = 256;
    v3d.maxWorkgroupSize[0] = v3d.maxWorkgroupSize[1] = v3d.maxWorkgroupSize[2] = 256;
    v3d.maxStorageBufferRange = uint64_t{1} << 30;  // V3D_MAX_BUFFER_RANGE
    v3d.maxPushConstantsSize = 128;
    v3d.maxTexelBufferElements = 1u << 28;
    v3d.maxPerStageStorageBuffers = 12;  // MAX_STORAGE_BUFFERS
    v3d.minStorageBufferOffsetAlignment = 32;
    v3d.minTexelBufferOffsetAlignment = 64;  // V3D_TMU_TEXEL_ALIGN
    v3d.shaderFloat16 = false;               // v3dv reports no shaderFloat16

    DeviceProfile adreno;
    adreno.name = "adreno6xx";
    adreno.device = "Qualcomm Adreno 650/660 class (double thread size), Mesa turnip";
    adreno.source = "Mesa src/freedreno/vulkan/tu_device.cc, tu_common.h";
    adreno.vendorId = 0x5143;
    adreno.subgroupSize = 128;            // 64 without supports_double_threadsize
    adreno.maxSharedMemoryBytes = 32768;  // cs_shared_mem_size of a6xx
    adreno.maxWorkgroupInvocations = 2048;
    adreno.maxWorkgroupSize[0] = adreno.maxWorkgroupSize[1] = adreno.maxWorkgroupSize[2] = 1024;
    adreno.maxStorageBufferRange = 0x20000000;  // MAX_STORAGE_BUFFER_RANGE
    adreno.maxPushConstantsSize = 128;
    adreno.maxTexelBufferElements = 1u << 27;
    adreno.maxPerStageStorageBuffers = 4096;  // max_descriptor_set_size: no practical bound
    adreno.minStorageBufferOffsetAlignment = 4;
    adreno.minTexelBufferOffsetAlignment = 64;
    adreno.shaderFloat16 = true;
    return std::vector<DeviceProfile>{v3d, adreno};
  }();
  return profiles;
}

const DeviceProfile* findDeviceProfile(const std::string& name) {
  if (name.empty() || name == "minimum") return nullptr;
  std::string known = "minimum";
  for (const DeviceProfile& p : deviceProfiles()) {
    if (p.name == name) return &p;
    known += ", " + p.name;
  }
  throw Error("VKC_LIMITS=" + name + ": no such device profile (known: " + known + ")",
              ErrorCode::BadArgument);
}

const DeviceProfile* requestedDeviceProfile() {
  const char* limits = std::getenv("VKC_LIMITS");
  return findDeviceProfile(limits ? limits : "");
}

void applyDeviceProfile(DeviceInfo& d, const DeviceProfile& p, uint32_t subgroupSize) {
  auto atMost = [](auto& value, auto limit) {
    value = std::min<std::decay_t<decltype(value)>>(value, limit);
  };
  atMost(d.maxSharedMemoryBytes, p.maxSharedMemoryBytes);
  atMost(d.maxWorkgroupInvocations, p.maxWorkgroupInvocations);
  for (int i = 0; i < 3; ++i)
    atMost(d.maxWorkgroupSize[i], p.maxWorkgroupSize[i]);
  atMost(d.maxStorageBufferRange, p.maxStorageBufferRange);
  atMost(d.maxPushConstantsSize, p.maxPushConstantsSize);
  atMost(d.maxTexelBufferElements, p.maxTexelBufferElements);
  atMost(d.maxPerStageStorageBuffers, p.maxPerStageStorageBuffers);
  d.minStorageBufferOffsetAlignment =
      std::max(d.minStorageBufferOffsetAlignment, p.minStorageBufferOffsetAlignment);
  d.minTexelBufferOffsetAlignment =
      std::max(d.minTexelBufferOffsetAlignment, p.minTexelBufferOffsetAlignment);
  d.shaderFloat16 = d.shaderFloat16 && p.shaderFloat16;
  d.vendorId = p.vendorId;
  d.type = "integrated";
  d.subgroupSize = subgroupSize > 0 ? subgroupSize : p.subgroupSize;
  d.name += " as " + p.name;
}

}  // namespace vkc::vk
