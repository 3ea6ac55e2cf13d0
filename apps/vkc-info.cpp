// vkc-info: lists every Vulkan device with the properties vkception's kernels depend on.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include "common/cli.hpp"
#include "common/validation_exit.hpp"
#include "vkception/devices.hpp"
#include "vkception/self_test.hpp"

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

// --self-test: the table (or JSON) of every variant; 0 when none failed, 1 otherwise.
int selfTestMain(const vkc::app::InfoOptions& o) {
  vkc::ContextOptions options;
  options.device = o.device;
  vkc::Context context(options);
  const bool terminal = isatty(fileno(stderr));
  vkc::SelfTestOptions testOptions;
  if (terminal) {
    testOptions.progress = [](int done, int total) {
      std::fprintf(stderr, "\rvkc-info: self-test, %d of %d cases", done, total);
    };
  }
  const vkc::SelfTestReport report = vkc::selfTest(context, testOptions);
  if (terminal) std::fprintf(stderr, "\r\033[K");
  if (o.json) {
    nlohmann::json out{{"device", report.device},   {"driver", report.driver},
                       {"cases", report.cases},     {"seconds", report.seconds},
                       {"passed", report.passed()}, {"variants", nlohmann::json::array()}};
    for (const auto& v : report.variants) {
      out["variants"].push_back({{"name", v.name},
                                 {"status", vkc::variantStatusName(v.status)},
                                 {"max_error", v.maxError},
                                 {"reason", v.reason}});
    }
    std::cout << out.dump(2) << "\n";
  } else {
    std::printf("%s (driver %s): %d cases in %.1f s\n", report.device.c_str(),
                report.driver.c_str(), report.cases, report.seconds);
    std::printf("  %-32s %-8s %-10s %s\n", "variant", "status", "max error", "");
    for (const auto& v : report.variants) {
      std::printf("  %-32s %-8s %-10.3g %s\n", v.name.c_str(), vkc::variantStatusName(v.status),
                  v.maxError, v.reason.c_str());
    }
    int failed = 0;
    for (const auto& v : report.variants)
      failed += v.status == vkc::VariantStatus::Failed;
    if (failed > 0) {
      std::printf("%d variant(s) failed: the device policy no longer chooses them here\n", failed);
    } else {
      std::printf("every variant that ran passed\n");
    }
  }
  return report.passed() ? 0 : 1;
}

}  // namespace

static int infoMain(int argc, char** argv) {
  vkc::app::InfoOptions o;
  if (int rc = vkc::app::parseInfoArgs(argc, argv, o); rc >= 0) return rc;
  try {
    if (o.selfTest) return selfTestMain(o);
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
