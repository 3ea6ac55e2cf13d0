#pragma once
// Every Vulkan call that can fail goes through VKC_CHECK, which turns a failure into a
// vkc::Error naming the call and the VkResult ("vkAllocateMemory failed: VK_ERROR_...").
#include <vulkan/vulkan.h>

#include <string>

#include "vkception/error.hpp"

namespace vkc::vk {

const char* resultName(VkResult result);
ErrorCode errorCodeOf(VkResult result);
// `detail`, if any, is appended: what was being made ("for shader 'conv1x1'", "(64 MiB)").
[[noreturn]] void throwVkError(const char* call, VkResult result, const std::string& detail = {});

}  // namespace vkc::vk

#define VKC_CHECK(call)                                                         \
  do {                                                                          \
    VkResult vkc_result_ = (call);                                              \
    if (vkc_result_ != VK_SUCCESS) ::vkc::vk::throwVkError(#call, vkc_result_); \
  } while (0)
