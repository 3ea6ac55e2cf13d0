#include "support/vulkan_env.hpp"

#include <map>
#include <memory>
#include <tuple>

#include "api/environment.hpp"

namespace vkc::test {
namespace {
std::map<std::tuple<bool, bool, bool, std::optional<vk::ConvKernel>, int>,
         std::unique_ptr<vk::Device>>
    devices;
}

vk::DeviceOptions withEnvironment(vk::DeviceOptions options) {
  applyEnvironment(processEnvironment(), options);
  return options;
}

std::unique_ptr<vk::Device> makeDevice(const vk::DeviceOptions& options) {
  return std::make_unique<vk::Device>(withEnvironment(options));
}

vk::Device& sharedDevice(bool storageReads, bool minimumLimits, bool uniformTexels,
                         std::optional<vk::ConvKernel> convKernel, int splitK) {
  std::unique_ptr<vk::Device>& device =
      devices[{storageReads, minimumLimits, uniformTexels, convKernel, splitK}];
  if (!device) {
    vk::DeviceOptions options;
    options.validation = true;
    options.pipelineCacheOnDisk = false;
    options.storageReads = storageReads;
    options.minimumLimits = minimumLimits;
    options.uniformTexelReads = uniformTexels;
    options.convKernel = convKernel;
    options.convSplitK = splitK;
    device = makeDevice(options);
  }
  return *device;
}

int validationMessages() {
  return vk::Instance::processValidationMessageCount();
}
std::string lastValidationMessage() {
  return vk::Instance::processLastValidationMessage();
}
void releaseSharedDevice() {
  devices.clear();
}

}  // namespace vkc::test
