#pragma once
// The small ops around the network: concat fallback copy, softmax, image preprocessing.
#include <array>
#include <vector>

#include "ops/tensor_ref.hpp"

namespace vkc::ops {

// Copies `in` into the channel slice described by `out` (same batch, channels, grid).
vk::Dispatch copyChannelsDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                  const TensorRef& out);

// Softmax over the channels of [N, classes, 1, 1] tensors.
vk::Dispatch softmaxDispatch(vk::KernelCache& kernels, const TensorRef& in, const TensorRef& out);

// Interleaved 8-bit RGB images [N, H, W, 3] (bytes packed in `pixels`) -> float NCHW
// (v / 255 - mean[c]) / std[c].
struct Normalization {
  std::array<float, 3> mean{0.5f, 0.5f, 0.5f};
  std::array<float, 3> std{0.5f, 0.5f, 0.5f};
};
vk::Dispatch preprocessDispatch(vk::KernelCache& kernels, vk::BufferSlice pixels,
                                const Normalization& norm, const TensorRef& out);

// (x - mean[c]) / std[c] of a 3-channel tensor into another of the same shape.
vk::Dispatch normalizeDispatch(vk::KernelCache& kernels, const TensorRef& in,
                               const Normalization& norm, const TensorRef& out);

// `in`: [members * classes, 1, 1] probabilities of images * crops rows; `out`: [classes, 1, 1]
// of `images` rows, sum over members of weights[m] x the mean over the image's crops.
inline constexpr int kMaxEnsembleMembers = 16;  // the shader's push-constant array
vk::Dispatch meanProbabilitiesDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                       const std::vector<float>& weights, int crops,
                                       const TensorRef& out);

}  // namespace vkc::ops
