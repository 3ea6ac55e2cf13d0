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
    v3d.gpu.vendorId = 0x14E4;
    v3d.gpu.subgroupSize = 16;  // V3D_CHANNELS
    v3d.gpu.maxSharedMemoryBytes = 16384;
    v3d.gpu.maxWorkgroupInvocations = 256;
    v3d.gpu.maxWorkgroupSize[0] = v3d.gpu.maxWorkgroupSize[1] = v3d.gpu.maxWorkgroupSize[2] = 256;
    v3d.gpu.maxStorageBufferRange = uint64_t{1} << 30;  // V3D_MAX_BUFFER_RANGE
    v3d.gpu.maxPushConstantsSize = 128;
    v3d.gpu.maxTexelBufferElements = 1u << 28;
    v3d.gpu.maxPerStageStorageBuffers = 12;  // MAX_STORAGE_BUFFERS
    v3d.gpu.minStorageBufferOffsetAlignment = 32;
    v3d.gpu.minTexelBufferOffsetAlignment = 64;  // V3D_TMU_TEXEL_ALIGN
    v3d.gpu.shaderFloat16 = false;               // v3dv reports no shaderFloat16

    DeviceProfile adreno;
    adreno.name = "adreno6xx";
    adreno.device = "Qualcomm Adreno 650/660 class (double thread size), Mesa turnip";
    adreno.source = "Mesa src/freedreno/vulkan/tu_device.cc, tu_common.h";
    adreno.gpu.vendorId = 0x5143;
    adreno.gpu.subgroupSize = 128;            // 64 without supports_double_threadsize
    adreno.gpu.maxSharedMemoryBytes = 32768;  // cs_shared_mem_size of a6xx
    adreno.gpu.maxWorkgroupInvocations = 2048;
    adreno.gpu.maxWorkgroupSize[0] = adreno.gpu.maxWorkgroupSize[1] =
        adreno.gpu.maxWorkgroupSize[2] = 1024;
    adreno.gpu.maxStorageBufferRange = 0x20000000;  // MAX_STORAGE_BUFFER_RANGE
    adreno.gpu.maxPushConstantsSize = 128;
    adreno.gpu.maxTexelBufferElements = 1u << 27;
    adreno.gpu.maxPerStageStorageBuffers = 4096;  // max_descriptor_set_size: no practical bound
    adreno.gpu.minStorageBufferOffsetAlignment = 4;
    adreno.gpu.minTexelBufferOffsetAlignment = 64;
    adreno.gpu.shaderFloat16 = true;
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
  atMost(d.maxSharedMemoryBytes, p.gpu.maxSharedMemoryBytes);
  atMost(d.maxWorkgroupInvocations, p.gpu.maxWorkgroupInvocations);
  for (int i = 0; i < 3; ++i)
    atMost(d.maxWorkgroupSize[i], p.gpu.maxWorkgroupSize[i]);
  atMost(d.maxStorageBufferRange, p.gpu.maxStorageBufferRange);
  atMost(d.maxPushConstantsSize, p.gpu.maxPushConstantsSize);
  atMost(d.maxTexelBufferElements, p.gpu.maxTexelBufferElements);
  atMost(d.maxPerStageStorageBuffers, p.gpu.maxPerStageStorageBuffers);
  d.minStorageBufferOffsetAlignment =
      std::max(d.minStorageBufferOffsetAlignment, p.gpu.minStorageBufferOffsetAlignment);
  d.minTexelBufferOffsetAlignment =
      std::max(d.minTexelBufferOffsetAlignment, p.gpu.minTexelBufferOffsetAlignment);
  d.shaderFloat16 = d.shaderFloat16 && p.gpu.shaderFloat16;
  d.vendorId = p.gpu.vendorId;
  d.type = "integrated";
  d.subgroupSize = subgroupSize > 0 ? subgroupSize : p.gpu.subgroupSize;
  d.name += " as " + p.name;
}

}  // namespace vkc::vk
