#include "vk/device_info.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <set>
#include <string>
#include <type_traits>

#include "vk/check.hpp"
#include "vkception/error.hpp"

namespace vkc::vk {
namespace {

std::string typeName(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "cpu";
    default:
      return "other";
  }
}

int typeRank(const std::string& type) {
  if (type == "discrete") return 0;
  if (type == "integrated") return 1;
  if (type == "virtual") return 2;
  if (type == "cpu") return 3;
  return 4;
}

std::set<std::string> deviceExtensions(VkPhysicalDevice device) {
  uint32_t count = 0;
  std::set<std::string> names;
  if (vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr) != VK_SUCCESS) {
    return names;
  }
  std::vector<VkExtensionProperties> extensions(count);
  if (vkEnumerateDeviceExtensionProperties(device, nullptr, &count, extensions.data()) ==
      VK_SUCCESS) {
    for (uint32_t i = 0; i < count; ++i)
      names.insert(extensions[i].extensionName);
  }
  return names;
}

DeviceInfo query(VkPhysicalDevice device, uint32_t index) {
  DeviceInfo info;
  info.index = index;
  info.handle = device;

  // Structures beyond Vulkan 1.0 are chained only where the device's version or an extension
  // it has defines them: anything else is invalid usage (and rejected by newer layers).
  VkPhysicalDeviceProperties base;
  vkGetPhysicalDeviceProperties(device, &base);
  const std::set<std::string> extensions = deviceExtensions(device);
  const bool v11 = base.apiVersion >= VK_API_VERSION_1_1;
  const bool v12 = base.apiVersion >= VK_API_VERSION_1_2;
  info.portabilitySubset = extensions.count("VK_KHR_portability_subset") > 0;
  info.float16Int8Extension = !v12 && extensions.count("VK_KHR_shader_float16_int8") > 0;
  const bool hasDriverProperties = v12 || extensions.count("VK_KHR_driver_properties") > 0;

  VkPhysicalDeviceSubgroupProperties subgroup{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  VkPhysicalDeviceMaintenance3Properties maintenance3{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
  subgroup.pNext = &maintenance3;
  if (hasDriverProperties) maintenance3.pNext = &driver;
  // Shader cores: chained only where the device has the extension that defines the structure.
  VkPhysicalDeviceShaderSMBuiltinsPropertiesNV nvCores{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_SM_BUILTINS_PROPERTIES_NV};
  VkPhysicalDeviceShaderCorePropertiesAMD amdCores{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_CORE_PROPERTIES_AMD};
  VkPhysicalDeviceShaderCoreBuiltinsPropertiesARM armCores{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_CORE_BUILTINS_PROPERTIES_ARM};
  const bool hasNvCores = extensions.count("VK_NV_shader_sm_builtins") > 0;
  const bool hasAmdCores = extensions.count("VK_AMD_shader_core_properties") > 0;
  const bool hasArmCores = extensions.count("VK_ARM_shader_core_builtins") > 0;
  void* cores = nullptr;  // one vendor's structure at most
  if (hasNvCores) {
    cores = &nvCores;
  } else if (hasAmdCores) {
    cores = &amdCores;
  } else if (hasArmCores) {
    cores = &armCores;
  }
  (hasDriverProperties ? driver.pNext : maintenance3.pNext) = cores;
  VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props.properties = base;
  VkPhysicalDeviceIDProperties ids{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
  if (v11) {
    ids.pNext = subgroup.pNext;
    subgroup.pNext = &ids;
    props.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(device, &props);
    std::memcpy(info.deviceUUID, ids.deviceUUID, VK_UUID_SIZE);
    if (hasNvCores) {
      info.shaderCores = nvCores.shaderSMCount;
    } else if (hasAmdCores) {
      info.shaderCores = amdCores.shaderEngineCount * amdCores.shaderArraysPerEngineCount *
                         amdCores.computeUnitsPerShaderArray;
    } else if (hasArmCores) {
      info.shaderCores = armCores.shaderCoreCount;
    }
  }
  const VkPhysicalDeviceLimits& limits = props.properties.limits;
  std::memcpy(info.pipelineCacheUUID, props.properties.pipelineCacheUUID, VK_UUID_SIZE);

  info.name = props.properties.deviceName;
  info.type = typeName(props.properties.deviceType);
  info.vendorId = props.properties.vendorID;
  info.deviceId = props.properties.deviceID;
  info.driverVersion = props.properties.driverVersion;
  info.apiVersion = props.properties.apiVersion;
  if (v11 && hasDriverProperties) {
    info.driverName = driver.driverName;
    info.driverInfo = driver.driverInfo;
  }
  info.subgroupSize = subgroup.subgroupSize;
  info.maxSharedMemoryBytes = limits.maxComputeSharedMemorySize;
  info.maxWorkgroupInvocations = limits.maxComputeWorkGroupInvocations;
  for (int i = 0; i < 3; ++i) {
    info.maxWorkgroupSize[i] = limits.maxComputeWorkGroupSize[i];
    info.maxWorkgroupCount[i] = limits.maxComputeWorkGroupCount[i];
  }
  info.maxStorageBufferRange = limits.maxStorageBufferRange;
  info.maxMemoryAllocationCount = limits.maxMemoryAllocationCount;
  info.maxPushConstantsBytes = limits.maxPushConstantsSize;
  info.minStorageBufferOffsetAlignment = limits.minStorageBufferOffsetAlignment;
  info.minTexelBufferOffsetAlignment = limits.minTexelBufferOffsetAlignment;
  info.maxTexelBufferElements = limits.maxTexelBufferElements;
  info.maxPerStageStorageBuffers = limits.maxPerStageDescriptorStorageBuffers;
  info.maxPerStageSampledImages = limits.maxPerStageDescriptorSampledImages;
  info.maxPerStageStorageImages = limits.maxPerStageDescriptorStorageImages;
  info.maxMemoryAllocationSize = v11 ? maintenance3.maxMemoryAllocationSize : uint64_t{1} << 30;
  info.nonCoherentAtomSize = limits.nonCoherentAtomSize;
  info.timestampPeriodNs = limits.timestampPeriod;

  VkPhysicalDeviceShaderFloat16Int8Features f16i8{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  VkPhysicalDevice16BitStorageFeatures storage16{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  if (v12 || info.float16Int8Extension) storage16.pNext = &f16i8;
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  features.pNext = &storage16;
  if (v11) vkGetPhysicalDeviceFeatures2(device, &features);
  info.storageBuffer16BitAccess = storage16.storageBuffer16BitAccess;
  info.shaderFloat16 = f16i8.shaderFloat16;
  auto bufferFeaturesOf = [&](std::initializer_list<VkFormat> formats, VkFormatFeatureFlags want) {
    for (VkFormat format : formats) {
      VkFormatProperties props;
      vkGetPhysicalDeviceFormatProperties(device, format, &props);
      if ((props.bufferFeatures & want) != want) return false;
    }
    return true;
  };
  info.fp16TexelBuffers = bufferFeaturesOf({VK_FORMAT_R16_SFLOAT, VK_FORMAT_R16G16B16A16_SFLOAT},
                                           VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT);
  info.storageTexelBuffers = bufferFeaturesOf({VK_FORMAT_R32_SFLOAT, VK_FORMAT_R32G32B32A32_SFLOAT,
                                               VK_FORMAT_R16_SFLOAT, VK_FORMAT_R16G16B16A16_SFLOAT},
                                              VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT);
  info.shaderInt8 = f16i8.shaderInt8;

  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(device, &memory);
  for (uint32_t i = 0; i < memory.memoryHeapCount; ++i) {
    info.heaps.push_back({memory.memoryHeaps[i].size,
                          (memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0});
  }

  uint32_t familyCount = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, nullptr);
  std::vector<VkQueueFamilyProperties> families(familyCount);
  vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, families.data());
  // Prefer a compute-only family (async compute on desktop GPUs), else any with compute.
  for (uint32_t pass = 0; pass < 2 && info.computeQueueFamily < 0; ++pass) {
    for (uint32_t i = 0; i < familyCount; ++i) {
      bool compute = families[i].queueFlags & VK_QUEUE_COMPUTE_BIT;
      bool graphics = families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT;
      if (compute && (pass == 1 || !graphics)) {
        info.computeQueueFamily = static_cast<int>(i);
        info.timestamps = families[i].timestampValidBits > 0;
        break;
      }
    }
  }
  return info;
}

}  // namespace

void clampToVulkan11Minimum(DeviceInfo& d) {
  auto atMost = [](auto& value, auto limit) {
    value = std::min<std::decay_t<decltype(value)>>(value, limit);
  };
  atMost(d.maxTexelBufferElements, 65536u);
  atMost(d.maxStorageBufferRange, uint64_t{1} << 27);
  atMost(d.maxPerStageStorageBuffers, 4u);
  atMost(d.maxPerStageSampledImages, 16u);
  atMost(d.maxPerStageStorageImages, 4u);
  atMost(d.maxMemoryAllocationSize, uint64_t{1} << 30);
  atMost(d.maxMemoryAllocationCount, 4096u);
  atMost(d.maxPushConstantsBytes, 128u);
  atMost(d.maxSharedMemoryBytes, 16384u);
  atMost(d.maxWorkgroupInvocations, 128u);
  const uint32_t size[3] = {128, 128, 64};
  for (int i = 0; i < 3; ++i) {
    atMost(d.maxWorkgroupCount[i], 65535u);
    atMost(d.maxWorkgroupSize[i], size[i]);
  }
  d.minStorageBufferOffsetAlignment = std::max<uint64_t>(d.minStorageBufferOffsetAlignment, 256);
  d.minTexelBufferOffsetAlignment = std::max<uint64_t>(d.minTexelBufferOffsetAlignment, 256);
  d.shaderFloat16 = d.storageBuffer16BitAccess = d.shaderInt8 = d.fp16TexelBuffers = false;
  d.storageTexelBuffers = false;  // r16f storage texel buffers are optional
  d.shaderCores = 0;              // reported through optional extensions only
  d.minimumLimits = true;
}

std::vector<DeviceInfo> enumerateDevices(VkInstance instance) {
  uint32_t count = 0;
  VKC_CHECK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
  std::vector<VkPhysicalDevice> handles(count);
  VKC_CHECK(vkEnumeratePhysicalDevices(instance, &count, handles.data()));
  std::vector<DeviceInfo> devices;
  for (uint32_t i = 0; i < count; ++i)
    devices.push_back(query(handles[i], i));
  return devices;
}

const DeviceInfo& chooseDevice(const std::vector<DeviceInfo>& devices, int requested) {
  if (devices.empty()) {
    throw Error("no Vulkan device found (install a driver, e.g. Debian's mesa-vulkan-drivers)",
                ErrorCode::UnsupportedDevice);
  }
  if (requested >= 0) {
    if (static_cast<size_t>(requested) >= devices.size()) {
      throw Error("device index " + std::to_string(requested) + " does not exist (" +
                      std::to_string(devices.size()) + " Vulkan device(s); see vkc-info)",
                  ErrorCode::BadArgument);
    }
    // The same requirements as for the automatic choice, named.
    const DeviceInfo& chosen = devices[requested];
    if (chosen.apiVersion < VK_API_VERSION_1_1) {
      throw Error("device " + std::to_string(requested) + " (" + chosen.name +
                      ") supports Vulkan " + apiVersionString(chosen.apiVersion) +
                      "; vkception needs Vulkan 1.1",
                  ErrorCode::UnsupportedDevice);
    }
    if (chosen.computeQueueFamily < 0) {
      throw Error(
          "device " + std::to_string(requested) + " (" + chosen.name + ") has no compute queue",
          ErrorCode::UnsupportedDevice);
    }
    return chosen;
  }
  const DeviceInfo* best = nullptr;
  for (const auto& device : devices) {
    if (device.computeQueueFamily < 0 || device.apiVersion < VK_API_VERSION_1_1) continue;
    if (!best || typeRank(device.type) < typeRank(best->type)) best = &device;
  }
  if (!best) {
    throw Error("no Vulkan 1.1 device with a compute queue found (see vkc-info)",
                ErrorCode::UnsupportedDevice);
  }
  return *best;
}

std::string apiVersionString(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) +
         "." + std::to_string(VK_API_VERSION_PATCH(v));
}

std::string driverVersionString(const DeviceInfo& info) {
  uint32_t v = info.driverVersion;
  if (info.vendorId == 0x10DE) {  // NVIDIA packs 10.8.8.6 bits
    return std::to_string(v >> 22) + "." + std::to_string((v >> 14) & 0xFF) + "." +
           std::to_string((v >> 6) & 0xFF);
  }
  return apiVersionString(v);
}

}  // namespace vkc::vk
