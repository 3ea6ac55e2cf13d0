#pragma once
// The fused epilogue of every convolution kernel (conv1x1, conv2d_segments, winograd_output):
// out = act(residual + scale * (acc + bias)), and its push constants as shaders/epilogue.glsl
// reads them.
#include <cstdint>

#include "ops/tensor_ref.hpp"

namespace vkc::ops {

enum class Activation { None, Relu };

struct ConvEpilogue {
  Activation activation = Activation::Relu;
  float residualScale = 1.0f;
  const TensorRef* residual = nullptr;  // same shape as the output
};

// `struct Epilogue` of shaders/epilogue.glsl: the last member of each convolution kernel's push
// constants (std430: four 4-byte members, no padding).
struct EpiloguePush {
  int32_t flags;
  float scale;
  int32_t resOffset;
  int32_t biasOffset;  // set by the dispatch where the bias is read through the weights binding
};
static_assert(sizeof(EpiloguePush) == 16, "must match shaders/epilogue.glsl");

// addBias false: the kernel leaves out the bias (Winograd's products, which the output
// transform's epilogue finishes).
EpiloguePush epiloguePush(const ConvEpilogue& epilogue, bool addBias);

}  // namespace vkc::ops
