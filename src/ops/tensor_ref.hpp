#pragma once
// What an op sees of a tensor on the device: a [batch, channels, height, width] fp32 tensor in
// CNHW order (element (n, c, h, w) at c * planeElements + (n * height + h) * width + w), starting
// `elementOffset` floats into the bound buffer range. A channel slice of a larger tensor (a
// branch's part of a concat) is contiguous in this order, so it is bound on its own.
#include <cstddef>
#include <string>

#include "ops/precision.hpp"
#include "vk/device_info.hpp"
#include "vk/dispatch.hpp"

namespace vkc::ops {

struct TensorRef {
  vk::BufferSlice slice;
  int elementOffset = 0;
  int batch = 1, channels = 1, height = 1, width = 1;
  Precision precision = Precision::Fp32;
};

// Elements of one channel plane: batch x height x width, padded to a multiple of 8 so that
// 4 consecutive pixels of a channel form one aligned texel and every channel slice starts on
// 16 bytes in fp16 as in fp32 (see shaders/common.glsl).
inline size_t planeElements(int batch, int height, int width) {
  return (size_t(batch) * height * width + 7) / 8 * 8;
}

// The binding for channels [cOffset, cOffset + channels) of a tensor with `cTotal` channels
// stored at [baseOffset, ...) of `buffer`: the range starts at the slice aligned down to
// `alignment` (minStorageBufferOffsetAlignment) and ends where the slice ends.
TensorRef sliceRef(VkBuffer buffer, VkDeviceSize baseOffset, VkDeviceSize alignment, int batch,
                   int channels, int height, int width, int cOffset,
                   Precision precision = Precision::Fp32);

// Throws "<what> N texels is over this device's maxTexelBufferElements (M)<hint>" if the device
// cannot view `texels` texels in one texel buffer.
void requireTexels(VkDeviceSize texels, const vk::DeviceInfo& device, const std::string& what,
                   const std::string& hint = "");

// The bytes of `t` a shader reads, as the range of a texel buffer whose texels hold
// `components` (1 or 4) elements; throws, naming `op`, if the device cannot view that many.
vk::BufferSlice texelSlice(const TensorRef& t, int components, const vk::DeviceInfo& device,
                           const char* op);

}  // namespace vkc::ops
