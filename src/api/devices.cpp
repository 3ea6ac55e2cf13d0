#include "api/environment.hpp"
#include "api/impl.hpp"
#include "ops/precision.hpp"
#include "vk/device_info.hpp"
#include "vk/device_policy.hpp"
#include "vk/device_profiles.hpp"
#include "vk/instance.hpp"

namespace vkc {
namespace {

std::string vendorName(uint32_t id) {
  switch (id) {
    case 0x1002:
      return "AMD";
    case 0x10DE:
      return "NVIDIA";
    case 0x8086:
      return "Intel";
    case 0x13B5:
      return "ARM";
    case 0x5143:
      return "Qualcomm";
    case 0x1010:
      return "Imagination";
    case 0x106B:
      return "Apple";
    case 0x10005:
      return "Mesa";
    default:
      break;
  }
  char hex[16];
  std::snprintf(hex, sizeof(hex), "0x%04x", id);
  return hex;
}

}  // namespace

DeviceDescription describeDevice(const vk::DeviceInfo& d, const vk::DevicePolicy& policy) {
  DeviceDescription out;
  out.index = static_cast<int>(d.index);
  out.name = d.name;
  out.type = d.type;
  out.vendorId = d.vendorId;
  out.deviceId = d.deviceId;
  out.vendor = vendorName(d.vendorId);
  out.driverName = d.driverName;
  out.driverInfo = d.driverInfo;
  out.driverVersion = vk::driverVersionString(d);
  out.apiVersion = vk::apiVersionString(d.apiVersion);
  out.driver = d.driverName.empty() ? out.driverVersion : d.driverName + " " + d.driverInfo;
  out.memoryBytes = d.largestDeviceLocalHeap();
  out.minimumLimits = d.minimumLimits;
  out.computeQueueFamily = d.computeQueueFamily;
  out.limits = d;  // vk::DeviceInfo is the public limits and more
  out.fp16 = policy.fp16;
  out.policy = vk::describePolicy(policy);
  for (const auto& h : d.heaps)
    out.heaps.push_back({h.size, h.deviceLocal});
  out.subgroupSize = d.subgroupSize;
  out.maxStorageBufferRange = d.maxStorageBufferRange;
  return out;
}

std::vector<DeviceDescription> devices() {
  const Environment env = processEnvironment();
  vk::Instance instance(vk::InstanceOptions{env.validation, true});
  std::vector<vk::DeviceInfo> infos = vk::enumerateDevices(instance.handle());
  // Each device as a Context would read it in this environment: in minimum-limits mode ...
  if (env.minimumLimits) {
    for (auto& d : infos)
      vk::clampToVulkan11Minimum(d);
  }
  // ... or as an emulated GPU.
  if (const vk::DeviceProfile* profile = vk::findDeviceProfile(env.profile)) {
    for (auto& d : infos)
      vk::applyDeviceProfile(d, *profile);
  }
  const int chosen = static_cast<int>(vk::chooseDevice(infos, env.device).index);
  std::vector<DeviceDescription> out;
  for (const auto& d : infos) {
    out.push_back(describeDevice(d, vk::policyFor(d, policyOverrides(env))));
    out.back().isDefault = out.back().index == chosen;
  }
  return out;
}

}  // namespace vkc
