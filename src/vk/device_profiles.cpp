#include "vk/device_profiles.hpp"

#include <algorithm>
#include <cstdint>

#include "vkception/error.hpp"

namespace vkc::vk {

namespace {

// A profile's identity: its VKC_LIMITS name, the GPUs it stands for, where its figures come from
// and the vendor id the device policy classifies.
DeviceProfile profile(const char* name, const char* device, const char* source, uint32_t vendorId) {
  DeviceProfile p;
  p.name = name;
  p.device = device;
  p.source = source;
  p.gpu.vendorId = vendorId;
  return p;
}

}  // namespace

const std::vector<DeviceProfile>& deviceProfiles() {
  static const std::vector<DeviceProfile> profiles = [] {
    DeviceProfile v3d = profile(
        "v3d", "Broadcom V3D 4.2 / 7.1 (Raspberry Pi 4 / 5), Mesa v3dv",
        "Mesa src/broadcom/vulkan/v3dv_device.c, v3dv_limits.h, common/v3d_limits.h", 0x14E4);
    v3d.gpu.subgroupSize = 16;  // V3D_CHANNELS
    v3d.gpu.maxSharedMemoryBytes = 16384;
    v3d.gpu.maxWorkgroupInvocations = 256;
    v3d.gpu.maxWorkgroupSize[0] = v3d.gpu.maxWorkgroupSize[1] = v3d.gpu.maxWorkgroupSize[2] = 256;
    v3d.gpu.maxStorageBufferRange = uint64_t{1} << 30;  // V3D_MAX_BUFFER_RANGE
    v3d.gpu.maxPushConstantsBytes = 128;
    v3d.gpu.maxTexelBufferElements = 1u << 28;
    v3d.gpu.maxPerStageStorageBuffers = 12;  // MAX_STORAGE_BUFFERS
    v3d.gpu.minStorageBufferOffsetAlignment = 32;
    v3d.gpu.minTexelBufferOffsetAlignment = 64;  // V3D_TMU_TEXEL_ALIGN
    v3d.gpu.shaderFloat16 = false;               // v3dv reports no shaderFloat16

    DeviceProfile adreno =
        profile("adreno6xx", "Qualcomm Adreno 650/660 class (double thread size), Mesa turnip",
                "Mesa src/freedreno/vulkan/tu_device.cc, tu_common.h", 0x5143);
    adreno.gpu.subgroupSize = 128;            // 64 without supports_double_threadsize
    adreno.gpu.maxSharedMemoryBytes = 32768;  // cs_shared_mem_size of a6xx
    adreno.gpu.maxWorkgroupInvocations = 2048;
    adreno.gpu.maxWorkgroupSize[0] = adreno.gpu.maxWorkgroupSize[1] =
        adreno.gpu.maxWorkgroupSize[2] = 1024;
    adreno.gpu.maxStorageBufferRange = 0x20000000;  // MAX_STORAGE_BUFFER_RANGE
    adreno.gpu.maxPushConstantsBytes = 128;
    adreno.gpu.maxTexelBufferElements = 1u << 27;
    adreno.gpu.maxPerStageStorageBuffers = 4096;  // max_descriptor_set_size: no practical bound
    adreno.gpu.minStorageBufferOffsetAlignment = 4;
    adreno.gpu.minTexelBufferOffsetAlignment = 64;
    adreno.gpu.shaderFloat16 = true;

    DeviceProfile mali = profile(
        "mali_valhall", "Arm Mali-G57/G77/G78 class (Valhall v9), Mesa panvk",
        "Mesa src/panfrost/vulkan/panvk_vX_physical_device.c, panvk_descriptor_set_layout.h, "
        "compiler pan_ir.h (pan_subgroup_size), lib/kmod/panfrost_kmod.c",
        0x13B5);
    mali.gpu.subgroupSize = 16;  // pan_subgroup_size: 16 from Valhall (8 Bifrost v7, 4 v6)
    mali.gpu.maxSharedMemoryBytes = 32768;
    // The kernel's THREAD_MAX_WORKGROUP_SIZE; panfrost_kmod's Valhall figure where it is absent.
    mali.gpu.maxWorkgroupInvocations = 512;
    mali.gpu.maxWorkgroupSize[0] = mali.gpu.maxWorkgroupSize[1] = mali.gpu.maxWorkgroupSize[2] =
        512;
    mali.gpu.maxStorageBufferRange = UINT32_MAX;  // a 32-bit size in the storage descriptor
    mali.gpu.maxPushConstantsBytes = 256;
    mali.gpu.maxTexelBufferElements = 1u << 16;     // bound by the 1-D texture size
    mali.gpu.maxPerStageStorageBuffers = 1u << 20;  // Valhall MAX_DESCRIPTORS
    mali.gpu.minStorageBufferOffsetAlignment = 4;
    mali.gpu.minTexelBufferOffsetAlignment = 64;
    mali.gpu.shaderFloat16 = false;  // panvk: from Valhall v10 (G610/G710) only

    DeviceProfile powervr =
        profile("powervr_rogue",
                "Imagination PowerVR Rogue (the AXE, BXM, BXS cores Mesa supports), Mesa pvr",
                "Mesa src/imagination/vulkan/pvr_physical_device.c (pvr_device.c before), "
                "common/pvr_limits.h",
                0x1010);
    powervr.gpu.subgroupSize = 1;  // basic subgroup operations only
    powervr.gpu.maxSharedMemoryBytes = 16384;
    powervr.gpu.maxWorkgroupInvocations = 128;
    powervr.gpu.maxWorkgroupSize[0] = powervr.gpu.maxWorkgroupSize[1] = 128;
    powervr.gpu.maxWorkgroupSize[2] = 64;
    powervr.gpu.maxStorageBufferRange = uint64_t{1} << 27;
    powervr.gpu.maxPushConstantsBytes = 128;
    powervr.gpu.maxTexelBufferElements = 1u << 16;
    powervr.gpu.maxPerStageStorageBuffers = 4;
    powervr.gpu.minStorageBufferOffsetAlignment = 4;
    powervr.gpu.minTexelBufferOffsetAlignment = 16;
    powervr.gpu.shaderFloat16 = false;  // nor 16-bit storage

    DeviceProfile apple =
        profile("apple_m1", "Apple GPU families Apple7-9 (M1-M3, A14-A17), MoltenVK",
                "MoltenVK MoltenVK/GPUObjects/MVKDevice.mm (initLimits, initMetalFeatures), "
                "API/mvk_vulkan.h; "
                "Apple Metal feature set tables for what MVKDevice.mm reads from the MTLDevice",
                0x106B);
    apple.gpu.driverName = "MoltenVK";  // the driver-bug table keys its binding-alias bug on it
    apple.gpu.subgroupSize = 32;        // maxSubgroupSize of Apple GPUs
    apple.gpu.maxSharedMemoryBytes = 32768;    // maxThreadgroupMemoryLength: 32 KB from Apple4
    apple.gpu.maxWorkgroupInvocations = 1024;  // maxThreadsPerThreadgroup: 1024 from Apple4
    apple.gpu.maxWorkgroupSize[0] = apple.gpu.maxWorkgroupSize[1] = apple.gpu.maxWorkgroupSize[2] =
        1024;
    // min(MTLDevice.maxBufferLength, 4 GiB), read at run time and not published per family:
    // the Vulkan 1.1 minimum.
    apple.gpu.maxStorageBufferRange = uint64_t{1} << 27;
    apple.gpu.maxPushConstantsBytes = 4096;
    apple.gpu.maxTexelBufferElements = 1u << 26;  // maxImageDimension2D (16384) x 4096
    apple.gpu.maxPerStageStorageBuffers = 31;     // Metal's buffer argument table
    apple.gpu.minStorageBufferOffsetAlignment = 16;
    // The largest of Metal's minimumTextureBufferAlignmentForPixelFormat, read at run time: the
    // largest alignment Vulkan 1.1 allows.
    apple.gpu.minTexelBufferOffsetAlignment = 256;
    apple.gpu.shaderFloat16 = true;
    return std::vector<DeviceProfile>{v3d, adreno, mali, powervr, apple};
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

void applyDeviceProfile(DeviceInfo& d, const DeviceProfile& p, uint32_t subgroupSize) {
  auto atMost = [](auto& value, auto limit) {
    value = std::min<std::decay_t<decltype(value)>>(value, limit);
  };
  atMost(d.maxSharedMemoryBytes, p.gpu.maxSharedMemoryBytes);
  atMost(d.maxWorkgroupInvocations, p.gpu.maxWorkgroupInvocations);
  for (int i = 0; i < 3; ++i)
    atMost(d.maxWorkgroupSize[i], p.gpu.maxWorkgroupSize[i]);
  atMost(d.maxStorageBufferRange, p.gpu.maxStorageBufferRange);
  atMost(d.maxPushConstantsBytes, p.gpu.maxPushConstantsBytes);
  atMost(d.maxTexelBufferElements, p.gpu.maxTexelBufferElements);
  atMost(d.maxPerStageStorageBuffers, p.gpu.maxPerStageStorageBuffers);
  d.minStorageBufferOffsetAlignment =
      std::max(d.minStorageBufferOffsetAlignment, p.gpu.minStorageBufferOffsetAlignment);
  d.minTexelBufferOffsetAlignment =
      std::max(d.minTexelBufferOffsetAlignment, p.gpu.minTexelBufferOffsetAlignment);
  d.shaderFloat16 = d.shaderFloat16 && p.gpu.shaderFloat16;
  d.vendorId = p.gpu.vendorId;
  if (!p.gpu.driverName.empty()) d.driverName = p.gpu.driverName;
  d.type = "integrated";
  d.subgroupSize = subgroupSize > 0 ? subgroupSize : p.gpu.subgroupSize;
  d.shaderCores = p.gpu.shaderCores;  // 0: not reported, as by the drivers the profiles stand for
  d.name += " as " + p.name;
}

}  // namespace vkc::vk
