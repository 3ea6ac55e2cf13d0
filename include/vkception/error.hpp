#pragma once
// vkception reports every failure (bad input, bad file, Vulkan error) as vkc::Error: a message
// naming the file, tensor, flag or Vulkan call and the problem, and a code saying what kind of
// failure it is, so callers can react (retry with a smaller batch, reopen the device, ...).
#include <stdexcept>
#include <string>

namespace vkc {

enum class ErrorCode {
  Unknown,
  BadArgument,        // a caller's value out of range (batch, size, option)
  BadInputFile,       // a weights, image, IDX or label file that cannot be used
  UnsupportedDevice,  // no Vulkan driver or device, or one lacking what the work needs
  OutOfMemory,        // host or device memory exhausted (VK_ERROR_OUT_OF_*_MEMORY)
  DeviceLost,         // VK_ERROR_DEVICE_LOST: the device and everything made on it is unusable
  VulkanFailure,      // any other failing Vulkan call
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorCode code = ErrorCode::Unknown)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace vkc
