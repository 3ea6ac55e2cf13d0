#include "api/impl.hpp"
#include "ops/precision.hpp"

namespace vkc {

Context::Context(const ContextOptions& options) : impl_(std::make_unique<Impl>()) {
  vk::DeviceOptions deviceOptions;
  deviceOptions.deviceIndex = options.device;
  deviceOptions.validation = options.validation;
  deviceOptions.pipelineCacheOnDisk = options.pipelineCache;
  deviceOptions.pipelineCachePath = options.pipelineCachePath;
  deviceOptions.minimumLimits = options.minimumLimits;
  impl_->device = std::make_unique<vk::Device>(deviceOptions);
}

Context::~Context() = default;
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;

DeviceSummary Context::device() const {
  const vk::DeviceInfo& info = impl_->device->info();
  DeviceSummary s;
  s.name = info.name;
  s.type = info.type;
  s.driver = info.driverName.empty() ? vk::driverVersionString(info)
                                     : info.driverName + " " + info.driverInfo;
  s.subgroupSize = info.subgroupSize;
  s.maxStorageBufferRange = info.maxStorageBufferRange;
  s.fp16 = impl_->device->policy().fp16;
  return s;
}

}  // namespace vkc
