#include "vk/dispatch.hpp"

#include <algorithm>

#include "vk/check.hpp"
#include "vk/fault_injection.hpp"
#include "vkception/error.hpp"

namespace vkc::vk {
namespace {
constexpr uint32_t kSetsPerPool = 256;
constexpr uint32_t kBuffersPerPool = kSetsPerPool * 6;
}  // namespace

DescriptorArena::~DescriptorArena() {
  for (VkBufferView view : views_)
    vkDestroyBufferView(device_, view, nullptr);
  for (VkDescriptorPool pool : pools_)
    vkDestroyDescriptorPool(device_, pool, nullptr);
}

VkDescriptorSet DescriptorArena::allocate(const Dispatch& dispatch) {
  const KernelKey& key = dispatch.kernel->key;
  uint32_t count = static_cast<uint32_t>(dispatch.buffers.size());
  if (pools_.empty() || setsLeft_ == 0 || buffersLeft_ < count) {
    // Each type gets the whole per-pool budget: a pool then fits any mix of the three.
    const uint32_t perType = std::max(kBuffersPerPool, count);
    VkDescriptorPoolSize sizes[3] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, perType},
                                     {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, perType},
                                     {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, perType}};
    VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    info.maxSets = kSetsPerPool;
    info.poolSizeCount = 3;
    info.pPoolSizes = sizes;
    VkDescriptorPool pool;
    VKC_CHECK_AT(FaultSite::Allocation, vkCreateDescriptorPool(device_, &info, nullptr, &pool));
    pools_.push_back(pool);
    setsLeft_ = kSetsPerPool;
    buffersLeft_ = perType;
  }
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = pools_.back();
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &dispatch.kernel->setLayout;
  VkDescriptorSet set;
  VKC_CHECK_AT(FaultSite::Allocation, vkAllocateDescriptorSets(device_, &alloc, &set));
  --setsLeft_;
  buffersLeft_ -= count;

  std::vector<VkDescriptorBufferInfo> infos(count);
  std::vector<VkBufferView> views(count, VK_NULL_HANDLE);
  std::vector<VkWriteDescriptorSet> writes(count);
  for (uint32_t i = 0; i < count; ++i) {
    const BufferSlice& slice = dispatch.buffers[i];
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = descriptorType(key, i);
    if (writes[i].descriptorType != VK_DESCRIPTOR_TYPE_STORAGE_BUFFER) {
      VkBufferViewCreateInfo view{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
      view.buffer = slice.buffer;
      view.format = key.texelFormat(i);
      view.offset = slice.offset;
      view.range = slice.range;
      VKC_CHECK(vkCreateBufferView(device_, &view, nullptr, &views[i]));
      views_.push_back(views[i]);
      writes[i].pTexelBufferView = &views[i];
    } else {
      infos[i] = {slice.buffer, slice.offset, slice.range};
      writes[i].pBufferInfo = &infos[i];
    }
  }
  vkUpdateDescriptorSets(device_, count, writes.data(), 0, nullptr);
  return set;
}

std::array<uint32_t, 3> foldedGroups(uint64_t groupsX, uint32_t y, uint32_t z, const Kernel& kernel,
                                     int into) {
  const uint32_t width = static_cast<uint32_t>(std::min<uint64_t>(groupsX, kernel.maxGroups[0]));
  const uint64_t slices = (groupsX + width - 1) / std::max<uint32_t>(width, 1);
  std::array<uint32_t, 3> groups{std::max<uint32_t>(width, 1), y, z};
  if (slices > 1) {
    if (groups[into] != 1 || slices > kernel.maxGroups[into]) {
      throw Error("shader '" + kernel.key.shader + "': " + std::to_string(groupsX) +
                      " workgroups do not fit this device's maxComputeWorkGroupCount; use a "
                      "smaller batch",
                  ErrorCode::BadArgument);
    }
    groups[into] = static_cast<uint32_t>(slices);
  }
  for (int i = 0; i < 3; ++i) {
    if (groups[i] > kernel.maxGroups[i]) {
      throw Error("shader '" + kernel.key.shader + "': " + std::to_string(groups[i]) +
                      " workgroups along axis " + std::to_string(i) +
                      " exceed this device's maxComputeWorkGroupCount (" +
                      std::to_string(kernel.maxGroups[i]) + ")",
                  ErrorCode::BadArgument);
    }
  }
  return groups;
}

void recordDispatch(VkCommandBuffer commands, VkDescriptorSet set, const Dispatch& dispatch) {
  const Kernel& kernel = *dispatch.kernel;
  vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline);
  vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.layout, 0, 1, &set, 0,
                          nullptr);
  if (!dispatch.push.empty()) {
    vkCmdPushConstants(commands, kernel.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                       static_cast<uint32_t>(dispatch.push.size()), dispatch.push.data());
  }
  if (kernelCorrupted(kernel.key.shader)) return;  // test-only: fault_injection.hpp
  vkCmdDispatch(commands, dispatch.groups[0], dispatch.groups[1], dispatch.groups[2]);
}

void recordMemoryBarrier(VkCommandBuffer commands) {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT |
                          VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT;
  barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                          VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  VkPipelineStageFlags stages =
      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vkCmdPipelineBarrier(commands, stages, stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

}  // namespace vkc::vk
