#include "vk/fault_injection.hpp"

#include <atomic>

namespace vkc::vk {
namespace {

struct Armed {
  std::atomic<bool> on{false};
  std::atomic<int> site{0};
  std::atomic<uint64_t> nth{0};
  std::atomic<int> result{VK_SUCCESS};
  std::atomic<uint64_t> calls[kFaultSiteCount] = {};
};
Armed armed;

void resetCounts() {
  for (auto& c : armed.calls)
    c.store(0);
}

}  // namespace

const char* faultSiteName(FaultSite site) {
  switch (site) {
    case FaultSite::Allocation:
      return "allocation";
    case FaultSite::PipelineCreation:
      return "pipeline creation";
    case FaultSite::QueueSubmit:
      return "queue submit";
    case FaultSite::FenceWait:
      return "fence wait";
  }
  return "?";
}

void armFault(FaultSite site, uint64_t nth, VkResult result) {
  armed.on.store(false);
  resetCounts();
  armed.site.store(static_cast<int>(site));
  armed.nth.store(nth);
  armed.result.store(result);
  armed.on.store(true);
}

void disarmFaults() {
  armed.on.store(false);
  resetCounts();
}

uint64_t faultSiteCalls(FaultSite site) {
  return armed.calls[static_cast<int>(site)].load();
}

VkResult injectedFault(FaultSite site) {
  const uint64_t call =
      armed.calls[static_cast<int>(site)].fetch_add(1, std::memory_order_relaxed) + 1;
  if (!armed.on.load(std::memory_order_relaxed)) return VK_SUCCESS;
  if (armed.site.load() != static_cast<int>(site) || armed.nth.load() != call) return VK_SUCCESS;
  return static_cast<VkResult>(armed.result.load());
}

namespace {
std::string& corruptName() {
  static std::string name;
  return name;
}
std::atomic<bool> anyCorrupt{false};
}  // namespace

void setCorruptKernel(const std::string& shader) {
  corruptName() = shader;
  anyCorrupt.store(!shader.empty());
}

bool kernelCorrupted(const std::string& shader) {
  return anyCorrupt.load(std::memory_order_relaxed) && shader == corruptName();
}

const std::string& corruptKernel() {
  return corruptName();
}

}  // namespace vkc::vk
