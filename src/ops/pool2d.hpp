#pragma once
// Max / average pooling and the global average pool.
#include "ops/tensor_ref.hpp"

namespace vkc::ops {

enum class PoolMode { Max = 0, AverageExcludePad = 1, AverageIncludePad = 2 };

struct PoolGeometry {
  int kernel = 3, stride = 2, pad = 0;
};

int poolOutputSize(int in, const PoolGeometry& g);

// Each invocation pools a segment of consecutive outputs of a row: of the length that computes
// the fewest past the row's end (up to 12, so a pipeline per row width), or, `at-once` (the
// at-once kernels of StartMode::AtOnce), of 4 for every row: one pipeline per window and mode.
vk::Dispatch pool2dDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, const PoolGeometry& g, PoolMode mode,
                            const TensorRef& out, bool atOnce = false);

// [N, C, H, W] -> [N, C, 1, 1]; the output must be a plain tensor.
vk::Dispatch globalAvgPoolDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                   const TensorRef& out);

}  // namespace vkc::ops
