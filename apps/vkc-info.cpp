// vkc-info: lists every Vulkan device with the properties vkception's kernels depend on.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "vk/device_info.hpp"
#include "vk/device_policy.hpp"
#include "vk/instance.hpp"
#include "vkception/error.hpp"

namespace {

nlohmann::json policyJson(const vkc::vk::DevicePolicy& p) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : vkc::vk::describePolicy(p))
    j[name] = value;
  return j;
}

nlohmann::json toJson(const vkc::vk::DeviceInfo& d) {
  nlohmann::json heaps = nlohmann::json::array();
  for (const auto& h : d.heaps)
    heaps.push_back({{"bytes", h.size}, {"device_local", h.deviceLocal}});
  return {
      {"index", d.index},
      {"name", d.name},
      {"type", d.type},
      {"vendor_id", d.vendorId},
      {"device_id", d.deviceId},
      {"driver_name", d.driverName},
      {"driver_info", d.driverInfo},
      {"driver_version", vkc::vk::driverVersionString(d)},
      {"api_version", vkc::vk::apiVersionString(d.apiVersion)},
      {"subgroup_size", d.subgroupSize},
      {"max_shared_memory_bytes", d.maxSharedMemoryBytes},
      {"max_workgroup_invocations", d.maxWorkgroupInvocations},
      {"max_workgroup_size", {d.maxWorkgroupSize[0], d.maxWorkgroupSize[1], d.maxWorkgroupSize[2]}},
      {"max_storage_buffer_range", d.maxStorageBufferRange},
      {"max_memory_allocation_count", d.maxMemoryAllocationCount},
      {"min_storage_buffer_offset_alignment", d.minStorageBufferOffsetAlignment},
      {"max_workgroup_count",
       {d.maxWorkgroupCount[0], d.maxWorkgroupCount[1], d.maxWorkgroupCount[2]}},
      {"max_push_constants_bytes", d.maxPushConstantsSize},
      {"non_coherent_atom_size", d.nonCoherentAtomSize},
      {"timestamps", d.timestampsSupported},
      {"storage_buffer_16bit_access", d.storageBuffer16BitAccess},
      {"shader_float16", d.shaderFloat16},
      {"shader_int8", d.shaderInt8},
      {"compute_queue_family", d.computeQueueFamily},
      {"memory_heaps", heaps},
      {"policy", policyJson(vkc::vk::policyFor(d))},
      {"minimum_limits", d.minimumLimits},
      {"max_texel_buffer_elements", d.maxTexelBufferElements},
      {"max_per_stage_storage_buffers", d.maxPerStageStorageBuffers},
      {"max_memory_allocation_size", d.maxMemoryAllocationSize}};
}

void printText(const vkc::vk::DeviceInfo& d) {
  std::printf("Device %u: %s\n", d.index, d.name.c_str());
  std::printf("  type                    %s\n", d.type.c_str());
  std::printf("  vendor / device id      0x%04x / 0x%04x\n", d.vendorId, d.deviceId);
  std::printf("  driver                  %s %s (version %s)\n", d.driverName.c_str(),
              d.driverInfo.c_str(), vkc::vk::driverVersionString(d).c_str());
  std::printf("  Vulkan API              %s\n", vkc::vk::apiVersionString(d.apiVersion).c_str());
  std::printf("  subgroup size           %u\n", d.subgroupSize);
  std::printf("  shared memory           %u bytes\n", d.maxSharedMemoryBytes);
  std::printf("  workgroup invocations   %u (size %u x %u x %u)\n", d.maxWorkgroupInvocations,
              d.maxWorkgroupSize[0], d.maxWorkgroupSize[1], d.maxWorkgroupSize[2]);
  std::printf("  maxStorageBufferRange   %llu bytes (%llu MiB)\n",
              (unsigned long long)d.maxStorageBufferRange,
              (unsigned long long)(d.maxStorageBufferRange >> 20));
  std::printf("  memory allocations      %u max\n", d.maxMemoryAllocationCount);
  std::printf("  texel buffer elements   %u max\n", d.maxTexelBufferElements);
  std::printf("  storage buffers / stage %u max\n", d.maxPerStageStorageBuffers);
  if (d.minimumLimits)
    std::printf("  limits                  Vulkan 1.1 minimum (VKC_LIMITS=minimum)\n");
  std::printf("  fp16 arithmetic         %s\n", d.shaderFloat16 ? "yes" : "no");
  std::printf("  16-bit storage          %s\n", d.storageBuffer16BitAccess ? "yes" : "no");
  std::printf("  int8 arithmetic         %s\n", d.shaderInt8 ? "yes" : "no");
  std::printf("  timestamps              %s\n", d.timestampsSupported ? "yes" : "no");
  for (const auto& [name, value] : vkc::vk::describePolicy(vkc::vk::policyFor(d))) {
    std::printf("  policy %-21s %s\n", name.c_str(), value.c_str());
  }
  for (size_t i = 0; i < d.heaps.size(); ++i) {
    std::printf("  memory heap %zu           %llu MiB%s\n", i,
                (unsigned long long)(d.heaps[i].size >> 20),
                d.heaps[i].deviceLocal ? " (device local)" : "");
  }
}

}  // namespace

int main(int argc, char** argv) {
  vkc::app::InfoOptions o;
  if (int rc = vkc::app::parseInfoArgs(argc, argv, o); rc >= 0) return rc;
  try {
    vkc::vk::Instance instance;
    auto devices = vkc::vk::enumerateDevices(instance.handle());
    // What the library would read in minimum-limits mode.
    if (vkc::vk::minimumLimitsRequested()) {
      for (auto& d : devices)
        vkc::vk::clampToVulkan11Minimum(d);
    }
    const auto& chosen = vkc::vk::chooseDevice(devices, -1);
    if (o.json) {
      nlohmann::json out{{"default_device", chosen.index}, {"devices", nlohmann::json::array()}};
      for (const auto& d : devices)
        out["devices"].push_back(toJson(d));
      std::cout << out.dump(2) << "\n";
    } else {
      for (const auto& d : devices) {
        printText(d);
        if (d.index == chosen.index) std::printf("  (default device)\n");
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkc-info: %s\n", e.what());
    return 1;
  }
}
