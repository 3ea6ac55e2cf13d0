#pragma once
// A logical device with one compute queue, its memory allocator and its kernel cache.
#include <vulkan/vulkan.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vk/device_info.hpp"
#include "vk/device_policy.hpp"
#include "vk/instance.hpp"
#include "vk/kernels.hpp"
#include "vk/memory.hpp"

namespace vkc::vk {

// How to make a Device. Nothing below the API reads the environment: the VKC_* variables are
// applied into these options at the API edge (src/api/environment.hpp), and tests make theirs
// through tests/support/vulkan_env.hpp, which applies them the same way.
struct DeviceOptions {
  int deviceIndex = -1;     // -1: the preferred device (chooseDevice)
  bool validation = false;  // Khronos validation incl. synchronization validation
  bool pipelineCacheOnDisk = true;
  std::string pipelineCachePath;   // empty: defaultPipelineCachePath under cacheHome
  std::string cacheHome;           // the user's cache folder ($XDG_CACHE_HOME, ~/.cache)
  bool minimumLimits = false;      // clampToVulkan11Minimum
  bool storageReads = false;       // PolicyOverrides::storageReads
  bool uniformTexelReads = false;  // PolicyOverrides::uniformTexelReads
  // Device-local buffers never mapped, as on a discrete GPU: weights go through a staging
  // upload where lavapipe's host-visible memory would take them in place (tests).
  bool unmappedDeviceMemory = false;
  // A GPU's limits emulated (device_profiles.hpp; empty: none), and the subgroup size reported
  // instead of the profile's (0: the profile's).
  std::string profile;
  uint32_t profileSubgroupSize = 0;
  // PolicyOverrides::convKernel, and DevicePolicy::convSplitK (tests).
  std::optional<ConvKernel> convKernel;
  int convSplitK = 0;
};

class Device {
 public:
  explicit Device(const DeviceOptions& options = {});
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  VkDevice handle() const { return device_; }
  VkQueue queue() const { return queue_; }
  const DeviceInfo& info() const { return info_; }
  const DevicePolicy& policy() const { return policy_; }
  // What the device was made with (a sibling device of the same GPU: the self-test's).
  const DeviceOptions& options() const { return options_; }
  const Instance& instance() const { return *instance_; }
  MemoryAllocator& memory() { return *memory_; }
  KernelCache& kernels() { return *kernels_; }
  const KernelCache& kernels() const { return *kernels_; }

  // Queue submission is externally synchronised in Vulkan; all submits go through here. The
  // command buffers run in order, as one batch, signalling `fence` after the last.
  void submit(const std::vector<VkCommandBuffer>& commands, VkFence fence);
  // Every fence wait goes through here too, so a lost device is noticed wherever it shows.
  void waitForFence(VkFence fence);
  // After VK_ERROR_DEVICE_LOST from any call, every later use reports it (ErrorCode::DeviceLost)
  // instead of touching the device again.
  bool lost() const { return lost_.load(); }
  void markLost() { lost_.store(true); }
  void throwIfLost() const;
  // Synchronous helpers for set-up work (weight upload) and tests.
  void upload(const Buffer& dst, const void* data, VkDeviceSize bytes, VkDeviceSize dstOffset = 0);
  void download(const Buffer& src, void* data, VkDeviceSize bytes, VkDeviceSize srcOffset = 0);

 private:
  std::unique_ptr<Instance> instance_;
  DeviceInfo info_;
  DevicePolicy policy_;
  DeviceOptions options_;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::unique_ptr<MemoryAllocator> memory_;
  std::unique_ptr<KernelCache> kernels_;
  std::mutex queueMutex_;
  std::atomic<bool> lost_{false};
  void destroy() noexcept;
};

// A one-shot command buffer: begin on construction, submitAndWait() ends and waits.
class OneShotCommands {
 public:
  explicit OneShotCommands(Device& device);
  ~OneShotCommands();
  VkCommandBuffer handle() const { return commands_; }
  void submitAndWait();

 private:
  Device& device_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  bool inFlight_ = false;  // submitted, completion not yet seen
  VkCommandBuffer commands_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
};

}  // namespace vkc::vk
