#pragma once
// GPUs that no one here can run, as the library would read them: their compute limits and
// subgroup sizes from their drivers' published sources, emulated on whatever device runs
// (DeviceOptions::profile; VKC_LIMITS=<name> at the API edge). Like minimum-limits mode, only what
// the library reads changes (each limit becomes the smaller of the device's and the profile's, a
// feature needs both), plus the vendor, type and subgroup size, so that the device policy
// (device_policy.hpp) picks that GPU's class and workgroup width, and the driver name where the
// driver-bug table (driver_bugs.hpp) keys on it.
#include <string>
#include <vector>

#include "vk/device_info.hpp"

namespace vkc::vk {

struct DeviceProfile {
  std::string name;    // DeviceOptions::profile, the VKC_LIMITS value
  std::string device;  // the GPUs it stands for
  std::string source;  // where the figures come from
  // The GPU as it reports itself; applyDeviceProfile reads the vendor, the driver name (if
  // set), the subgroup size, the compute limits, the storage and texel limits and alignments,
  // and shaderFloat16.
  DeviceInfo gpu;
};

const std::vector<DeviceProfile>& deviceProfiles();
// The profile named `name`; nullptr for none ("", "minimum"). Throws vkc::Error (BadArgument)
// naming the known profiles for any other name.
const DeviceProfile* findDeviceProfile(const std::string& name);
// `info` as the library would read it on the profile's GPU; `subgroupSize` > 0 reports that
// size instead of the profile's (to check the policy at every width).
void applyDeviceProfile(DeviceInfo& info, const DeviceProfile& profile, uint32_t subgroupSize = 0);

}  // namespace vkc::vk
