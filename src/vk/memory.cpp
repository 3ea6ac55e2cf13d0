#include "vk/memory.hpp"

#include <algorithm>

#include "tuning.hpp"
#include "vk/check.hpp"
#include "vk/fault_injection.hpp"
#include "vkception/error.hpp"

namespace vkc::vk {
namespace {

VkDeviceSize alignUp(VkDeviceSize value, VkDeviceSize alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace

Buffer::~Buffer() {
  release();
}

Buffer::Buffer(Buffer&& other) noexcept {
  *this = std::move(other);
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    buffer_ = other.buffer_;
    size_ = other.size_;
    mapped_ = other.mapped_;
    coherent_ = other.coherent_;
    block_ = other.block_;
    offset_ = other.offset_;
    reserved_ = other.reserved_;
    other.owner_ = nullptr;
    other.buffer_ = VK_NULL_HANDLE;
  }
  return *this;
}

void Buffer::release() {
  if (buffer_ == VK_NULL_HANDLE) return;
  vkDestroyBuffer(owner_->device_, buffer_, nullptr);
  if (reserved_ > 0) owner_->free(block_, offset_, reserved_);
  buffer_ = VK_NULL_HANDLE;
  reserved_ = 0;
}

MemoryAllocator::MemoryAllocator(VkPhysicalDevice physical, VkDevice device, bool storageTexels,
                                 bool unmappedDeviceLocal, uint32_t maxAllocations)
    : device_(device),
      usage_(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
             (storageTexels ? VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT : 0) |
             VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT),
      unmappedDeviceLocal_(unmappedDeviceLocal),
      maxAllocations_(maxAllocations) {
  vkGetPhysicalDeviceMemoryProperties(physical, &properties_);
}

MemoryAllocator::~MemoryAllocator() {
  for (auto& block : blocks_) {
    if (block.memory != VK_NULL_HANDLE) vkFreeMemory(device_, block.memory, nullptr);
  }
}

uint32_t MemoryAllocator::findMemoryType(uint32_t typeBits, MemoryUsage usage) const {
  const VkMemoryPropertyFlags hostCoherent =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  std::vector<VkMemoryPropertyFlags> preferences;
  switch (usage) {
    case MemoryUsage::DeviceLocal:
      preferences = {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0};
      break;
    case MemoryUsage::Upload:
      preferences = {hostCoherent};
      break;
    case MemoryUsage::Readback:
      preferences = {hostCoherent | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, hostCoherent};
      break;
  }
  for (VkMemoryPropertyFlags wanted : preferences) {
    for (uint32_t i = 0; i < properties_.memoryTypeCount; ++i) {
      if ((typeBits & (1u << i)) && (properties_.memoryTypes[i].propertyFlags & wanted) == wanted) {
        return i;
      }
    }
  }
  throw Error("no suitable Vulkan memory type for this buffer");
}

bool MemoryAllocator::tryReserve(Block& block, VkDeviceSize size, VkDeviceSize alignment,
                                 VkDeviceSize* offset) {
  for (size_t i = 0; i < block.free.size(); ++i) {
    Range& range = block.free[i];
    VkDeviceSize start = alignUp(range.offset, alignment);
    if (start + size > range.offset + range.size) continue;
    VkDeviceSize end = start + size;
    Range before{range.offset, start - range.offset};
    Range after{end, range.offset + range.size - end};
    block.free.erase(block.free.begin() + i);
    if (after.size) block.free.insert(block.free.begin() + i, after);
    if (before.size) block.free.insert(block.free.begin() + i, before);
    *offset = start;
    return true;
  }
  return false;
}

Buffer MemoryAllocator::createBuffer(VkDeviceSize size, MemoryUsage usage) {
  if (size == 0) size = 4;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  info.usage = usage_;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  // Until it holds memory, the Buffer only owns its VkBuffer (release() frees nothing else).
  Buffer buffer;
  VKC_CHECK_AT(FaultSite::Allocation, vkCreateBuffer(device_, &info, nullptr, &buffer.buffer_));
  buffer.owner_ = this;
  buffer.size_ = size;

  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, buffer.buffer_, &req);
  uint32_t type = findMemoryType(req.memoryTypeBits, usage);

  VkDeviceMemory memory = VK_NULL_HANDLE;
  void* blockMapped = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    VkDeviceSize offset = 0;
    int found = -1;
    for (size_t b = 0; b < blocks_.size() && found < 0; ++b) {
      if (blocks_[b].memory != VK_NULL_HANDLE && blocks_[b].memoryType == type &&
          tryReserve(blocks_[b], req.size, req.alignment, &offset)) {
        found = static_cast<int>(b);
      }
    }
    if (found < 0) {
      // A slot whose block went back to the driver is reused, so loads and unloads do not
      // grow the table.
      auto slot = std::find_if(blocks_.begin(), blocks_.end(),
                               [](const Block& b) { return b.memory == VK_NULL_HANDLE; });
      if (slot == blocks_.end()) slot = blocks_.insert(blocks_.end(), Block{});
      *slot = newBlock(type, req.size);
      found = static_cast<int>(slot - blocks_.begin());
      tryReserve(blocks_[found], req.size, req.alignment, &offset);
    }
    buffer.block_ = static_cast<uint32_t>(found);
    buffer.offset_ = offset;
    buffer.reserved_ = req.size;
    inUse_ += req.size;
    memory = blocks_[found].memory;
    blockMapped = blocks_[found].mapped;
  }
  // On failure the Buffer's destructor returns the range.
  VKC_CHECK(vkBindBufferMemory(device_, buffer.buffer_, memory, buffer.offset_));
  if (blockMapped && !(usage == MemoryUsage::DeviceLocal && unmappedDeviceLocal_)) {
    buffer.mapped_ = static_cast<char*>(blockMapped) + buffer.offset_;
    buffer.coherent_ =
        properties_.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  }
  return buffer;
}

MemoryAllocator::Block MemoryAllocator::newBlock(uint32_t type, VkDeviceSize atLeast) {
  Block block;
  block.memoryType = type;
  block.size = std::max(VkDeviceSize(tuning::kMemoryBlockBytes), alignUp(atLeast, 1 << 20));
  if (allocations_ >= maxAllocations_) {
    throw Error("cannot allocate " + std::to_string(block.size >> 20) +
                    " MiB more of Vulkan memory: all " + std::to_string(maxAllocations_) +
                    " allocations the device allows (maxMemoryAllocationCount) are live",
                ErrorCode::OutOfMemory);
  }
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = block.size;
  alloc.memoryTypeIndex = type;
  VkResult result =
      VKC_CALL_AT(FaultSite::Allocation, vkAllocateMemory(device_, &alloc, nullptr, &block.memory));
  if (result != VK_SUCCESS) {
    throwVkError("vkAllocateMemory", result,
                 "(asked for " + std::to_string(block.size >> 20) + " MiB)");
  }
  if (properties_.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
    result = vkMapMemory(device_, block.memory, 0, VK_WHOLE_SIZE, 0, &block.mapped);
    if (result != VK_SUCCESS) {
      vkFreeMemory(device_, block.memory, nullptr);
      throwVkError("vkMapMemory", result);
    }
  }
  block.free.push_back({0, block.size});
  ++allocations_;
  return block;
}

void MemoryAllocator::free(uint32_t blockIndex, VkDeviceSize offset, VkDeviceSize size) {
  std::lock_guard<std::mutex> lock(mutex_);
  Block& block = blocks_[blockIndex];
  auto it = std::lower_bound(block.free.begin(), block.free.end(), offset,
                             [](const Range& r, VkDeviceSize o) { return r.offset < o; });
  it = block.free.insert(it, {offset, size});
  if (it + 1 != block.free.end() && it->offset + it->size == (it + 1)->offset) {
    it->size += (it + 1)->size;
    block.free.erase(it + 1);
  }
  if (it != block.free.begin() && (it - 1)->offset + (it - 1)->size == it->offset) {
    (it - 1)->size += it->size;
    block.free.erase(it);
  }
  inUse_ -= size;
  // A block that became empty is returned to the driver so large one-off uploads do not linger.
  if (block.free.size() == 1 && block.free[0].size == block.size) {
    vkFreeMemory(device_, block.memory, nullptr);
    --allocations_;
    block.memory = VK_NULL_HANDLE;
    block.mapped = nullptr;
    block.free.clear();
  }
}

uint64_t MemoryAllocator::bytesInUse() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return inUse_;
}

uint32_t MemoryAllocator::allocationCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return allocations_;
}

}  // namespace vkc::vk
