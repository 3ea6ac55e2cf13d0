#include "api/environment.hpp"
#include "api/impl.hpp"
#include "ops/peak_probe.hpp"
#include "ops/precision.hpp"
#include "vk/fault_injection.hpp"

namespace vkc {

Context::Context(const ContextOptions& options) : impl_(std::make_unique<Impl>()) {
  vk::DeviceOptions deviceOptions;
  deviceOptions.deviceIndex = options.device;
  deviceOptions.validation = options.validation;
  deviceOptions.pipelineCacheOnDisk = options.pipelineCache;
  deviceOptions.pipelineCachePath = options.pipelineCachePath;
  deviceOptions.minimumLimits = options.minimumLimits;
  if (options.convKernel == ConvKernel::Blocked) deviceOptions.convKernel = vk::ConvKernel::Blocked;
  if (options.convKernel == ConvKernel::Igemm) deviceOptions.convKernel = vk::ConvKernel::Igemm;
  if (options.convKernel == ConvKernel::Regtile) deviceOptions.convKernel = vk::ConvKernel::Regtile;
  const Environment environment = processEnvironment();
  applyEnvironment(environment, deviceOptions);
  if (!environment.corruptVariant.empty()) vk::setCorruptKernel(environment.corruptVariant);
  impl_->device = std::make_unique<vk::Device>(deviceOptions);
}

Context::~Context() = default;
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;

DeviceDescription Context::device() const {
  DeviceDescription d = describeDevice(impl_->device->info(), impl_->device->policy());
  d.isDefault = false;  // what this context uses, whether or not it is the default
  return d;
}

int Context::validationMessageCount() const {
  return impl_->device->instance().validationMessageCount();
}

std::string Context::lastValidationMessage() const {
  return impl_->device->instance().lastValidationMessage();
}

int Context::processValidationMessageCount() {
  return vk::Instance::processValidationMessageCount();
}

double Context::measurePeakGflops(Precision precision, int runs) {
  if (runs < 1) throw Error("measurePeakGflops: runs must be at least 1", ErrorCode::BadArgument);
  if (precision == Precision::Fp16) {
    ops::requireFp16(impl_->device->info(), impl_->device->policy());
  }
  return ops::measurePeak(*impl_->device, precision, runs).gflops;
}

}  // namespace vkc
