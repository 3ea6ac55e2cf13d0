#pragma once
// GPUs that no one here can run, as the library would read them: their compute limits and
// subgroup sizes from their drivers' published sources, emulated on whatever device runs
// (VKC_LIMITS=<name>, DeviceOptions::profile). Like minimum-limits mode, only what the library
// reads changes (each limit becomes the smaller of the device's and the profile's, a feature
// needs both), plus the vendor, type and subgroup size, so that the device policy
// (device_policy.hpp) picks that GPU's class and workgroup width.
#include <cstdint>
#include <string>
#include <vector>

#include "vk/device_info.hpp"

namespace vkc::vk {

struct DeviceProfile {
  std::string name;    // the VKC_LIMITS value
  std::string device;  // the GPUs it stands for
  std::string source;  // where the figures come from
  uint32_t vendorId = 0;
  uint32_t subgroupSize = 0;
  uint32_t maxSharedMemoryBytes = 0;
  uint32_t maxWorkgroupInvocations = 0;
  uint32_t maxWorkgroupSize[3] = {0, 0, 0};
  uint64_t maxStorageBufferRange = 0;
  uint32_t maxPushConstantsSize = 0;
  uint32_t maxTexelBufferElements = 0;
  uint32_t maxPerStageStorageBuffers = 0;
  uint64_t minStorageBufferOffsetAlignment = 0;
  uint64_t minTexelBufferOffsetAlignment = 0;
  bool shaderFloat16 = false;
};

const std::vector<DeviceProfile>& deviceProfiles();
// The profile named `name`; nullptr for none ("", "minimum"). Throws vkc::Error naming the
// known profiles for any other name.
const DeviceProfile* findDeviceProfile(const std::string& name);
// The profile VKC_LIMITS names, if any.
const DeviceProfile* requestedDeviceProfile();
// `info` as the library would read it on the profile's GPU; `subgroupSize` > 0 reports that
// size instead of the profile's (to check the policy at every width).
void applyDeviceProfile(DeviceInfo& info, const DeviceProfile& profile, uint32_t subgroupSize = 0);

}  // namespace vkc::vk
