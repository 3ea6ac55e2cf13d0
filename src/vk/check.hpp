#pragma once
// Every Vulkan call that can fail goes through VKC_CHECK, which turns a failure into a
// vkc::Error naming the call and the VkResult ("vkAllocateMemory failed: VK_ERROR_...").
#include <vulkan/vulkan.h>

#include <string>

namespace vkc::vk {

const char* resultName(VkResult result);
[[noreturn]] void throwVkError(const char* call, VkResult result);

}  // namespace vkc::vk

#define VKC_CHECK(call)                                                         \
  do {                                                                          \
    VkResult vkc_result_ = (call);                                              \
    if (vkc_result_ != VK_SUCCESS) ::vkc::vk::throwVkError(#call, vkc_result_); \
  } while (0)
