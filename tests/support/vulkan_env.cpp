#include "support/vulkan_env.hpp"

#include <memory>

namespace vkc::test {
namespace {
std::unique_ptr<vk::Device> device;
}

vk::Device& sharedDevice() {
  if (!device) {
    vk::DeviceOptions options;
    options.validation = true;
    options.pipelineCacheOnDisk = false;
    device = std::make_unique<vk::Device>(options);
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
  device.reset();
}

}  // namespace vkc::test
