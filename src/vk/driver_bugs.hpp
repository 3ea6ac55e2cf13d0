#pragma once
// Known driver bugs that change what vkception may do on a device, keyed on vendor, device and
// driver version, each with where it is documented and the workaround it selects. The device
// policy (vk/device_policy.hpp) applies them; docs/portability.md ("Known driver bugs") lists
// them.
#include <cstdint>
#include <string>
#include <vector>

#include "vk/device_info.hpp"

namespace vkc::vk {

enum class Workaround {
  NoPipelineCache,    // neither read nor write the VkPipelineCache
  TexelReadsOnly,     // never read through storage buffers by choice (only where a texel view
                      // cannot hold the data)
  NoAliasedBindings,  // no storage-read path: it aliases the weights binding for the bias
  NoFp16,             // fp16 arithmetic refused: fp32 only
};

struct DriverBug {
  const char* id;
  const char* what;
  const char* reference;
  Workaround workaround;
  uint32_t vendorId;                 // 0: any vendor
  std::vector<uint32_t> deviceIds;   // empty: every device of the vendor
  bool exceptTheseDevices = false;   // deviceIds lists the devices that do not have the bug
  uint32_t belowApiVersion = 0;      // 0: every driver; else drivers reporting an older version
  const char* driverName = nullptr;  // else only drivers of this VkPhysicalDeviceDriverProperties
                                     // name (any vendor)
};

const std::vector<DriverBug>& knownDriverBugs();
// The entries that apply to `device`.
std::vector<const DriverBug*> driverBugsOf(const DeviceInfo& device);
const char* workaroundName(Workaround w);

}  // namespace vkc::vk
