#pragma once
// Test-only fault injection: makes the N-th Vulkan call of one kind fail with a chosen VkResult
// instead of reaching the driver, so that tests can sweep every failure point of a network's
// load and run (tests/reliability/). A call site costs one relaxed atomic increment (the count that
// sizes a sweep).
#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>

namespace vkc::vk {

enum class FaultSite {
  Allocation,        // vkAllocateMemory, vkCreateBuffer, vkAllocateCommandBuffers, descriptors
  PipelineCreation,  // vkCreateShaderModule, vkCreateComputePipelines
  QueueSubmit,       // vkQueueSubmit
  FenceWait,         // vkWaitForFences
};
constexpr int kFaultSiteCount = 4;
const char* faultSiteName(FaultSite site);

// Arms one fault: the nth call (1-based, counted from now) at `site` returns `result`. Resets
// every site's call count.
void armFault(FaultSite site, uint64_t nth, VkResult result);
void disarmFaults();  // and resets the counts
// Calls seen at `site` since the last armFault/disarmFaults (to size a sweep).
uint64_t faultSiteCalls(FaultSite site);
// At a call site: the armed result if this is the armed call, else VK_SUCCESS.
VkResult injectedFault(FaultSite site);

// A wrong kernel (VKC_TEST_CORRUPT_VARIANT, set at the API edge): every dispatch of the shader
// build `shader` (a self-test variant name, e.g. "conv1x1_st") is recorded without running, so
// its outputs keep whatever the memory held, as a driver that drops work would leave them. The
// self-test must catch it and the device policy avoid the build. Empty: none.
void setCorruptKernel(const std::string& shader);
bool kernelCorrupted(const std::string& shader);
const std::string& corruptKernel();

}  // namespace vkc::vk

// VKC_CHECK_AT(site, vkCall(...)): the call, or the injected failure, checked like VKC_CHECK.
#define VKC_CALL_AT(site, call)                                    \
  ([&]() -> VkResult {                                             \
    const VkResult vkc_injected_ = ::vkc::vk::injectedFault(site); \
    return vkc_injected_ != VK_SUCCESS ? vkc_injected_ : (call);   \
  }())
#define VKC_CHECK_AT(site, call)                                                \
  do {                                                                          \
    VkResult vkc_result_ = VKC_CALL_AT(site, call);                             \
    if (vkc_result_ != VK_SUCCESS) ::vkc::vk::throwVkError(#call, vkc_result_); \
  } while (0)
