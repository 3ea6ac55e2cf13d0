#include "vk/device.hpp"

#include <cstring>
#include <vector>

#include "vk/check.hpp"
#include "vk/device_profiles.hpp"
#include "vk/fault_injection.hpp"
#include "vkception/error.hpp"

namespace vkc::vk {

Device::Device(const DeviceOptions& options) : options_(options) {
  instance_ = std::make_unique<Instance>(InstanceOptions{options.validation, true});
  std::vector<DeviceInfo> devices = enumerateDevices(instance_->handle());
  info_ = chooseDevice(devices, options.deviceIndex);
  // Only what the library reads is clamped: the device is created with what it has, so what
  // passes here passes on a device that has no more than the minimum.
  if (options.minimumLimits) clampToVulkan11Minimum(info_);
  if (const DeviceProfile* profile = findDeviceProfile(options.profile)) {
    applyDeviceProfile(info_, *profile, options.profileSubgroupSize);
  }
  policy_ = policyFor(info_, {options.storageReads, options.uniformTexelReads, options.convKernel});
  policy_.convSplitK = options.convSplitK;

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = static_cast<uint32_t>(info_.computeQueueFamily);
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;

  // Enable what fp16 kernels may use, when the device has it.
  VkPhysicalDeviceShaderFloat16Int8Features f16{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  f16.shaderFloat16 = info_.shaderFloat16;
  VkPhysicalDevice16BitStorageFeatures storage16{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  storage16.storageBuffer16BitAccess = info_.storageBuffer16BitAccess;
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  features.pNext = &storage16;
  // Each structure only where its core version or an enabled extension defines it.
  std::vector<const char*> extensions;
  if (info_.apiVersion >= VK_API_VERSION_1_2) {
    storage16.pNext = &f16;
  } else if (info_.float16Int8Extension && info_.shaderFloat16) {
    extensions.push_back("VK_KHR_shader_float16_int8");
    storage16.pNext = &f16;
  }
  if (info_.portabilitySubset) extensions.push_back("VK_KHR_portability_subset");

  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &features;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queueInfo;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VKC_CHECK(vkCreateDevice(info_.handle, &info, nullptr, &device_));
  // From here a failure must undo what was made: the destructor does not run for a
  // constructor that throws.
  try {
    vkGetDeviceQueue(device_, queueInfo.queueFamilyIndex, 0, &queue_);
    memory_ = std::make_unique<MemoryAllocator>(
        info_.handle, device_, policy_.texelBinding == TexelBinding::Storage,
        options.unmappedDeviceMemory, info_.maxMemoryAllocationCount);
    std::string cachePath;
    if (options.pipelineCacheOnDisk && policy_.pipelineCache) {
      cachePath = !options.pipelineCachePath.empty()
                      ? options.pipelineCachePath
                      : defaultPipelineCachePath(options.cacheHome, info_.vendorId, info_.deviceId,
                                                 info_.driverVersion);
    }
    kernels_ = std::make_unique<KernelCache>(device_, cachePath, info_, policy_);
  } catch (...) {
    destroy();
    throw;
  }
}

Device::~Device() {
  destroy();
}

void Device::destroy() noexcept {
  if (device_ == VK_NULL_HANDLE) return;
  vkDeviceWaitIdle(device_);
  if (kernels_ && !lost()) kernels_->save();
  kernels_.reset();
  memory_.reset();
  vkDestroyDevice(device_, nullptr);
  device_ = VK_NULL_HANDLE;
}

void Device::throwIfLost() const {
  if (lost()) {
    throw Error("the Vulkan device '" + info_.name +
                    "' was lost (VK_ERROR_DEVICE_LOST) earlier; make a new vkc::Context",
                ErrorCode::DeviceLost);
  }
}

void Device::submit(const std::vector<VkCommandBuffer>& commands, VkFence fence) {
  throwIfLost();
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = static_cast<uint32_t>(commands.size());
  submit.pCommandBuffers = commands.data();
  std::lock_guard<std::mutex> lock(queueMutex_);
  const VkResult result =
      VKC_CALL_AT(FaultSite::QueueSubmit, vkQueueSubmit(queue_, 1, &submit, fence));
  if (result == VK_ERROR_DEVICE_LOST) markLost();
  if (result != VK_SUCCESS) throwVkError("vkQueueSubmit", result);
}

void Device::waitForFence(VkFence fence) {
  throwIfLost();
  const VkResult result =
      VKC_CALL_AT(FaultSite::FenceWait, vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX));
  if (result == VK_ERROR_DEVICE_LOST) markLost();
  if (result != VK_SUCCESS) throwVkError("vkWaitForFences", result);
}

void Device::upload(const Buffer& dst, const void* data, VkDeviceSize bytes,
                    VkDeviceSize dstOffset) {
  if (bytes == 0) return;
  Buffer staging = memory_->createBuffer(bytes, MemoryUsage::Upload);
  std::memcpy(staging.mapped(), data, bytes);
  OneShotCommands commands(*this);
  VkBufferCopy region{0, dstOffset, bytes};
  vkCmdCopyBuffer(commands.handle(), staging.handle(), dst.handle(), 1, &region);
  commands.submitAndWait();
}

void Device::download(const Buffer& src, void* data, VkDeviceSize bytes, VkDeviceSize srcOffset) {
  if (bytes == 0) return;
  Buffer staging = memory_->createBuffer(bytes, MemoryUsage::Readback);
  OneShotCommands commands(*this);
  VkBufferCopy region{srcOffset, 0, bytes};
  vkCmdCopyBuffer(commands.handle(), src.handle(), staging.handle(), 1, &region);
  commands.submitAndWait();
  std::memcpy(data, staging.mapped(), bytes);
}

OneShotCommands::OneShotCommands(Device& device) : device_(device) {
  // A pool of its own: pools are externally synchronised, and uploads may run on any thread.
  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  poolInfo.queueFamilyIndex = static_cast<uint32_t>(device.info().computeQueueFamily);
  VKC_CHECK(vkCreateCommandPool(device.handle(), &poolInfo, nullptr, &pool_));
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  try {
    VKC_CHECK_AT(FaultSite::Allocation,
                 vkAllocateCommandBuffers(device.handle(), &alloc, &commands_));
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VKC_CHECK(vkBeginCommandBuffer(commands_, &begin));
    VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VKC_CHECK(vkCreateFence(device.handle(), &fenceInfo, nullptr, &fence_));
  } catch (...) {
    vkDestroyCommandPool(device_.handle(), pool_, nullptr);  // frees the command buffer
    throw;
  }
}

OneShotCommands::~OneShotCommands() {
  // A failed wait leaves the work running: it must end before its objects go.
  if (inFlight_) vkWaitForFences(device_.handle(), 1, &fence_, VK_TRUE, UINT64_MAX);
  vkDestroyFence(device_.handle(), fence_, nullptr);
  vkDestroyCommandPool(device_.handle(), pool_, nullptr);
}

void OneShotCommands::submitAndWait() {
  VKC_CHECK(vkEndCommandBuffer(commands_));
  device_.submit({commands_}, fence_);
  inFlight_ = true;
  device_.waitForFence(fence_);
  inFlight_ = false;
}

}  // namespace vkc::vk
