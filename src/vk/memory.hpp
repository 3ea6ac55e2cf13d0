#pragma once
// Buffers sub-allocated from a few large VkDeviceMemory blocks: drivers cap the number of
// allocations (maxMemoryAllocationCount can be 4096) and each one is slow, so every tensor,
// weight and staging buffer is a VkBuffer bound at an offset inside a shared block.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace vkc::vk {

enum class MemoryUsage {
  DeviceLocal,  // tensors and weights
  Upload,       // host-visible, coherent: staging for uploads
  Readback,     // host-visible, coherent, cached if possible: downloads
};

class MemoryAllocator;

// A VkBuffer with its memory. Host-visible buffers stay mapped for their whole life.
class Buffer {
 public:
  Buffer() = default;
  ~Buffer();
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }
  // The mapping where host writes need no flush (host-coherent memory), else null: device-local
  // memory that is host-visible too (CPU drivers, most mobile GPUs) is filled in place.
  void* coherentMapping() const { return coherent_ ? mapped_ : nullptr; }

 private:
  friend class MemoryAllocator;
  void release();
  MemoryAllocator* owner_ = nullptr;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
  bool coherent_ = false;
  uint32_t block_ = 0;
  VkDeviceSize offset_ = 0, reserved_ = 0;
};

class MemoryAllocator {
 public:
  // Every buffer may be bound as a storage buffer, a uniform texel buffer and, with
  // `storageTexels` (DevicePolicy::texelBinding), a storage texel buffer: a view's format must
  // then have every texel usage its buffer was created with. `unmappedDeviceLocal`
  // (DeviceOptions::unmappedDeviceMemory): device-local buffers get no mapping even where their
  // memory is host-visible. `maxAllocations` (the device's maxMemoryAllocationCount): a buffer
  // that would need one more live VkDeviceMemory than that throws vkc::Error (OutOfMemory)
  // instead of asking the driver.
  MemoryAllocator(VkPhysicalDevice physical, VkDevice device, bool storageTexels,
                  bool unmappedDeviceLocal = false,
                  uint32_t maxAllocations = std::numeric_limits<uint32_t>::max());
  ~MemoryAllocator();
  MemoryAllocator(const MemoryAllocator&) = delete;
  MemoryAllocator& operator=(const MemoryAllocator&) = delete;

  Buffer createBuffer(VkDeviceSize size, MemoryUsage usage);

  uint64_t bytesInUse() const;       // sum of live buffers' reservations
  uint32_t allocationCount() const;  // live VkDeviceMemory allocations
  uint32_t maxAllocations() const { return maxAllocations_; }

 private:
  friend class Buffer;
  struct Range {
    VkDeviceSize offset, size;
  };
  struct Block {
    VkDeviceMemory memory = VK_NULL_HANDLE;
    uint32_t memoryType = 0;
    VkDeviceSize size = 0;
    void* mapped = nullptr;
    std::vector<Range> free;  // sorted by offset, coalesced
  };
  uint32_t findMemoryType(uint32_t typeBits, MemoryUsage usage) const;
  Block newBlock(uint32_t type, VkDeviceSize atLeast);  // allocated (and mapped if host-visible)
  bool tryReserve(Block& block, VkDeviceSize size, VkDeviceSize alignment, VkDeviceSize* offset);
  void free(uint32_t block, VkDeviceSize offset, VkDeviceSize size);

  VkDevice device_;
  VkBufferUsageFlags usage_;
  bool unmappedDeviceLocal_;
  uint32_t maxAllocations_;
  uint32_t allocations_ = 0;  // under mutex_
  VkPhysicalDeviceMemoryProperties properties_{};
  std::vector<Block> blocks_;
  uint64_t inUse_ = 0;
  mutable std::mutex mutex_;
};

}  // namespace vkc::vk
