#include "vk/memory.hpp"

#include <algorithm>

#include "vk/check.hpp"
#include "vkception/error.hpp"

namespace vkc::vk {
namespace {

constexpr VkDeviceSize kBlockSize = 64ull << 20;  // small enough for mobile heaps

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
  owner_->free(block_, offset_, reserved_);
  buffer_ = VK_NULL_HANDLE;
}

MemoryAllocator::MemoryAllocator(VkPhysicalDevice physical, VkDevice device) : device_(device) {
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
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  Buffer buffer;
  VKC_CHECK(vkCreateBuffer(device_, &info, nullptr, &buffer.buffer_));
  buffer.owner_ = this;
  buffer.size_ = size;

  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, buffer.buffer_, &req);
  uint32_t type = findMemoryType(req.memoryTypeBits, usage);

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
    Block block;
    block.memoryType = type;
    block.size = std::max(kBlockSize, alignUp(req.size, 1 << 20));
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = block.size;
    alloc.memoryTypeIndex = type;
    VkResult result = vkAllocateMemory(device_, &alloc, nullptr, &block.memory);
    if (result != VK_SUCCESS) {
      vkDestroyBuffer(device_, buffer.buffer_, nullptr);
      buffer.buffer_ = VK_NULL_HANDLE;
      throw Error(std::string("vkAllocateMemory failed: ") + resultName(result) + " (asked for " +
                  std::to_string(block.size >> 20) + " MiB)");
    }
    if (properties_.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
      VKC_CHECK(vkMapMemory(device_, block.memory, 0, VK_WHOLE_SIZE, 0, &block.mapped));
    }
    block.free.push_back({0, block.size});
    blocks_.push_back(std::move(block));
    found = static_cast<int>(blocks_.size() - 1);
    tryReserve(blocks_[found], req.size, req.alignment, &offset);
  }
  Block& block = blocks_[found];
  VKC_CHECK(vkBindBufferMemory(device_, buffer.buffer_, block.memory, offset));
  buffer.block_ = static_cast<uint32_t>(found);
  buffer.offset_ = offset;
  buffer.reserved_ = req.size;
  if (block.mapped) buffer.mapped_ = static_cast<char*>(block.mapped) + offset;
  inUse_ += req.size;
  return buffer;
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
    block.memory = VK_NULL_HANDLE;
    block.mapped = nullptr;
    block.free.clear();
  }
}

uint64_t MemoryAllocator::bytesInUse() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return inUse_;
}

}  // namespace vkc::vk
