// vkc-info: lists every Vulkan device with the properties vkception's kernels depend on.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/validation_exit.hpp"
#include "vkception/devices.hpp"

namespace {

nlohmann::json policyJson(const vkc::DeviceDescription& d) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : d.policy)
    j[name] = value;
  return j;
}

nlohmann::json toJson(const vkc::DeviceDescription& d) {
  const vkc::DeviceLimits& l = d.limits;
  nlohmann::json heaps = nlohmann::json::array();
  for (const auto& h : d.heaps)
    heaps.push_back({{"bytes", h.bytes}, {"device_local", h.deviceLocal}});
  return {{"index", d.index},
          {"name", d.name},
          {"type", d.type},
          {"vendor_id", d.vendorId},
          {"device_id", d.deviceId},
          {"driver_name", d.driverName},
          {"driver_info", d.driverInfo},
          {"driver_version", d.driverVersion},
          {"api_version", d.apiVersion},
          {"subgroup_size", l.subgroupSize},
          {"max_shared_memory_bytes", l.maxSharedMemoryBytes},
          {"max_workgroup_invocations", l.maxWorkgroupInvocations},
          {"max_workgroup_size", l.maxWorkgroupSize},
          {"max_storage_buffer_range", l.maxStorageBufferRange},
          {"max_memory_allocation_count", l.maxMemoryAllocationCount},
          {"min_storage_buffer_offset_alignment", l.minStorageBufferOffsetAlignment},
          {"max_workgroup_count", l.maxWorkgroupCount},
          {"max_push_constants_bytes", l.maxPushConstantsBytes},
          {"non_coherent_atom_size", l.nonCoherentAtomSize},
          {"timestamps", l.timestamps},
          {"storage_buffer_16bit_access", l.storageBuffer16BitAccess},
          {"shader_float16", l.shaderFloat16},
          {"shader_int8", l.shaderInt8},
          {"compute_queue_family", d.computeQueueFamily},
          {"memory_heaps", heaps},
          {"policy", policyJson(d)},
          {"minimum_limits", d.minimumLimits},
          {"max_texel_buffer_elements", l.maxTexelBufferElements},
          {"max_per_stage_storage_buffers", l.maxPerStageStorageBuffers},
          {"max_memory_allocation_size", l.maxMemoryAllocationSize}};
}

void printText(const vkc::DeviceDescription& d) {
  const vkc::DeviceLimits& l = d.limits;
  std::printf("Device %d: %s\n", d.index, d.name.c_str());
  std::printf("  type                    %s\n", d.type.c_str());
  std::printf("  vendor / device id      0x%04x / 0x%04x\n", d.vendorId, d.deviceId);
  std::printf("  driver                  %s %s (version %s)\n", d.driverName.c_str(),
              d.driverInfo.c_str(), d.driverVersion.c_str());
  std::printf("  Vulkan API              %s\n", d.apiVersion.c_str());
  std::printf("  subgroup size           %u\n", l.subgroupSize);
  std::printf("  shared memory           %u bytes\n", l.maxSharedMemoryBytes);
  std::printf("  workgroup invocations   %u (size %u x %u x %u)\n", l.maxWorkgroupInvocations,
              l.maxWorkgroupSize[0], l.maxWorkgroupSize[1], l.maxWorkgroupSize[2]);
  std::printf("  maxStorageBufferRange   %llu bytes (%llu MiB)\n",
              (unsigned long long)l.maxStorageBufferRange,
              (unsigned long long)(l.maxStorageBufferRange >> 20));
  std::printf("  memory allocations      %u max\n", l.maxMemoryAllocationCount);
  std::printf("  texel buffer elements   %u max\n", l.maxTexelBufferElements);
  std::printf("  storage buffers / stage %u max\n", l.maxPerStageStorageBuffers);
  if (d.minimumLimits)
    std::printf("  limits                  Vulkan 1.1 minimum (VKC_LIMITS=minimum)\n");
  std::printf("  fp16 arithmetic         %s\n", l.shaderFloat16 ? "yes" : "no");
  std::printf("  16-bit storage          %s\n", l.storageBuffer16BitAccess ? "yes" : "no");
  std::printf("  int8 arithmetic         %s\n", l.shaderInt8 ? "yes" : "no");
  std::printf("  timestamps              %s\n", l.timestamps ? "yes" : "no");
  for (const auto& [name, value] : d.policy)
    std::printf("  policy %-21s %s\n", name.c_str(), value.c_str());
  for (size_t i = 0; i < d.heaps.size(); ++i) {
    std::printf("  memory heap %zu           %llu MiB%s\n", i,
                (unsigned long long)(d.heaps[i].bytes >> 20),
                d.heaps[i].deviceLocal ? " (device local)" : "");
  }
}

}  // namespace

static int infoMain(int argc, char** argv) {
  vkc::app::InfoOptions o;
  if (int rc = vkc::app::parseInfoArgs(argc, argv, o); rc >= 0) return rc;
  try {
    const std::vector<vkc::DeviceDescription> devices = vkc::devices();
    int chosen = -1;
    for (const auto& d : devices) {
      if (d.isDefault) chosen = d.index;
    }
    if (o.json) {
      nlohmann::json out{{"default_device", chosen}, {"devices", nlohmann::json::array()}};
      for (const auto& d : devices)
        out["devices"].push_back(toJson(d));
      std::cout << out.dump(2) << "\n";
    } else {
      for (const auto& d : devices) {
        printText(d);
        if (d.isDefault) std::printf("  (default device)\n");
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkc-info: %s\n", e.what());
    return 1;
  }
}

// After infoMain returns, every Vulkan instance it made is gone.
int main(int argc, char** argv) {
  return vkc::app::exitStatusAfterValidation("vkc-info", infoMain(argc, argv));
}
