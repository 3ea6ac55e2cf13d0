#pragma once
// A recorded compute dispatch, described as data: which kernel, which buffer ranges at
// bindings 0..N-1, the push-constant bytes and the workgroup count. Ops produce these; the
// scheduler (or a test) records them.
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "vk/kernels.hpp"

namespace vkc::vk {

struct BufferSlice {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0;
  VkDeviceSize range = 0;
};

struct Dispatch {
  const Kernel* kernel = nullptr;
  std::vector<BufferSlice> buffers;  // binding i = buffers[i]
  std::vector<uint8_t> push;
  std::array<uint32_t, 3> groups{1, 1, 1};

  template <typename T>
  void setPush(const T& params) {
    push.resize(sizeof(T));
    std::memcpy(push.data(), &params, sizeof(T));
  }
};

inline uint32_t divUp(uint64_t a, uint64_t b) {
  return static_cast<uint32_t>((a + b - 1) / b);
}

// Grids wider than the device's maxComputeWorkGroupCount[0] (65535 on lavapipe, Intel, Mali,
// V3D): `groupsX` workgroups of a 1-D row split into slices along axis `into` (1 = y, 2 = z),
// which the shader does not otherwise use; shaders read the unfolded index with globalX() or
// globalXFoldedIntoY() (shaders/common.glsl) and skip what lies past the end. Throws if even
// that does not fit.
std::array<uint32_t, 3> foldedGroups(uint64_t groupsX, uint32_t y, uint32_t z, const Kernel& kernel,
                                     int into);

// Descriptor sets (and the buffer views of texel bindings) for many dispatches; grows by whole
// pools, freed together.
class DescriptorArena {
 public:
  explicit DescriptorArena(VkDevice device) : device_(device) {}
  ~DescriptorArena();
  DescriptorArena(const DescriptorArena&) = delete;
  DescriptorArena& operator=(const DescriptorArena&) = delete;
  VkDescriptorSet allocate(const Dispatch& dispatch);

 private:
  VkDevice device_;
  std::vector<VkDescriptorPool> pools_;
  std::vector<VkBufferView> views_;
  uint32_t setsLeft_ = 0, buffersLeft_ = 0;
};

void recordDispatch(VkCommandBuffer commands, VkDescriptorSet set, const Dispatch& dispatch);
// Makes every earlier shader write visible to later shader reads and orders later writes
// after earlier reads (RAW, WAR, WAW), for compute and transfer.
void recordMemoryBarrier(VkCommandBuffer commands);

}  // namespace vkc::vk
