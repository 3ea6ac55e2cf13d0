#include "vk/check.hpp"

#include "vkception/error.hpp"

namespace vkc::vk {

const char* resultName(VkResult result) {
  switch (result) {
#define VKC_RESULT_CASE(name) \
  case name:                  \
    return #name;
    VKC_RESULT_CASE(VK_SUCCESS)
    VKC_RESULT_CASE(VK_NOT_READY)
    VKC_RESULT_CASE(VK_TIMEOUT)
    VKC_RESULT_CASE(VK_EVENT_SET)
    VKC_RESULT_CASE(VK_EVENT_RESET)
    VKC_RESULT_CASE(VK_INCOMPLETE)
    VKC_RESULT_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
    VKC_RESULT_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    VKC_RESULT_CASE(VK_ERROR_INITIALIZATION_FAILED)
    VKC_RESULT_CASE(VK_ERROR_DEVICE_LOST)
    VKC_RESULT_CASE(VK_ERROR_MEMORY_MAP_FAILED)
    VKC_RESULT_CASE(VK_ERROR_LAYER_NOT_PRESENT)
    VKC_RESULT_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
    VKC_RESULT_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
    VKC_RESULT_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
    VKC_RESULT_CASE(VK_ERROR_TOO_MANY_OBJECTS)
    VKC_RESULT_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
    VKC_RESULT_CASE(VK_ERROR_FRAGMENTED_POOL)
    VKC_RESULT_CASE(VK_ERROR_UNKNOWN)
    VKC_RESULT_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
    VKC_RESULT_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    VKC_RESULT_CASE(VK_ERROR_FRAGMENTATION)
    VKC_RESULT_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    VKC_RESULT_CASE(VK_PIPELINE_COMPILE_REQUIRED)
#undef VKC_RESULT_CASE
    default:
      return "VK_RESULT_UNKNOWN";
  }
}

ErrorCode errorCodeOf(VkResult result) {
  switch (result) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_POOL_MEMORY:
    case VK_ERROR_FRAGMENTED_POOL:
    case VK_ERROR_FRAGMENTATION:
    case VK_ERROR_TOO_MANY_OBJECTS:
      return ErrorCode::OutOfMemory;
    case VK_ERROR_DEVICE_LOST:
      return ErrorCode::DeviceLost;
    case VK_ERROR_INCOMPATIBLE_DRIVER:
    case VK_ERROR_EXTENSION_NOT_PRESENT:
    case VK_ERROR_FEATURE_NOT_PRESENT:
    case VK_ERROR_FORMAT_NOT_SUPPORTED:
      return ErrorCode::UnsupportedDevice;
    default:
      return ErrorCode::VulkanFailure;
  }
}

void throwVkError(const char* call, VkResult result, const std::string& detail) {
  std::string name(call);
  name = name.substr(0, name.find('('));
  throw Error(name + " failed: " + resultName(result) + " (" + std::to_string(result) + ")" +
                  (detail.empty() ? "" : " " + detail),
              errorCodeOf(result));
}

}  // namespace vkc::vk
