#pragma once
// Max / average pooling and the global average pool.
#include "ops/tensor_ref.hpp"

namespace vkc::ops {

enum class PoolMode { Max = 0, AverageExcludePad = 1, AverageIncludePad = 2 };

struct PoolGeometry {
  int kernel = 3, stride = 2, pad = 0;
};

int poolOutputSize(int in, const PoolGeometry& g);

vk::Dispatch pool2dDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, const PoolGeometry& g, PoolMode mode,
                            const TensorRef& out);

// [N, C, H, W] -> [N, C, 1, 1]; the output must be a plain tensor.
vk::Dispatch globalAvgPoolDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                   const TensorRef& out);

}  // namespace vkc::ops
