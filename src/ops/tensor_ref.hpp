#pragma once
// What an op sees of a tensor on the device: a buffer range holding an NCHW fp32 tensor of
// shape [batch, cTotal, height, width], of which this tensor is channels
// [cOffset, cOffset + channels). A plain tensor has cOffset 0 and cTotal == channels.
#include "vk/dispatch.hpp"

namespace vkc::ops {

struct TensorRef {
  vk::BufferSlice slice;
  int batch = 1, channels = 1, height = 1, width = 1;
  int cTotal = 1, cOffset = 0;
};

}  // namespace vkc::ops
