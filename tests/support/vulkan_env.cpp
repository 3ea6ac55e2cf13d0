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

bool hasSharedDevice() {
  return device != nullptr;
}
int validationMessages() {
  return device ? device->instance().validationMessageCount() : 0;
}
void releaseSharedDevice() {
  device.reset();
}

}  // namespace vkc::test
