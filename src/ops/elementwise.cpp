#include "ops/elementwise.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "vkception/error.hpp"

namespace vkc::ops {
namespace {
constexpr uint32_t kLanes = 64;

struct CopyPush {
  int batch, channels, hw;
  int inOffset, outOffset;
};
struct SoftmaxPush {
  int rows, classes, inOffset, outOffset;
};
struct PreprocessPush {
  int batch, height, width, outOffset;
  float mean[4];
  float invStd[4];
};
struct NormalizePush {
  int batch, hw, inOffset, outOffset;
  float mean[4];
  float invStd[4];
};
struct MeanPush {
  int images, crops, classes, members, inOffset, outOffset;
  float weight[kMaxEnsembleMembers];
};

// mean and 1 / std per channel, checked.
void normalizationConstants(const Normalization& norm, float* mean, float* invStd) {
  for (int c = 0; c < 3; ++c) {
    if (!(norm.std[c] > 0.0f)) throw Error("normalisation: std must be positive");
    mean[c] = norm.mean[c];
    invStd[c] = 1.0f / norm.std[c];
  }
}
}  // namespace

vk::Dispatch copyChannelsDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                  const TensorRef& out) {
  if (in.batch != out.batch || in.channels != out.channels || in.height != out.height ||
      in.width != out.width) {
    throw Error("copy_channels: source and destination shapes differ");
  }
  vk::Dispatch d;
  d.kernel = &kernels.get({usableBuild(kernels, "copy_channels", in.precision),
                           {kLanes, 1, 1},
                           {},
                           2,
                           sizeof(CopyPush)});
  d.buffers = {in.slice, out.slice};
  d.setPush(
      CopyPush{in.batch, in.channels, in.height * in.width, in.elementOffset, out.elementOffset});
  d.groups =
      vk::foldedGroups(vk::divUp(uint64_t(in.batch) * in.channels * in.height * in.width, kLanes),
                       1, 1, *d.kernel, 2);
  return d;
}

vk::Dispatch softmaxDispatch(vk::KernelCache& kernels, const TensorRef& in, const TensorRef& out) {
  vk::Dispatch d;
  d.kernel = &kernels.get(
      {usableBuild(kernels, "softmax", in.precision), {kLanes, 1, 1}, {}, 2, sizeof(SoftmaxPush)});
  d.buffers = {in.slice, out.slice};
  d.setPush(SoftmaxPush{in.batch, in.channels * in.height * in.width, in.elementOffset,
                        out.elementOffset});
  d.groups = vk::foldedGroups(uint64_t(in.batch), 1, 1, *d.kernel, 2);  // a row per workgroup
  return d;
}

vk::Dispatch preprocessDispatch(vk::KernelCache& kernels, vk::BufferSlice pixels,
                                const Normalization& norm, const TensorRef& out) {
  if (out.channels != 3) throw Error("preprocess: output must have 3 channels");
  PreprocessPush push{out.batch, out.height, out.width, out.elementOffset, {}, {}};
  normalizationConstants(norm, push.mean, push.invStd);
  vk::Dispatch d;
  d.kernel = &kernels.get({usableBuild(kernels, "preprocess", out.precision),
                           {kLanes, 1, 1},
                           {},
                           2,
                           sizeof(PreprocessPush)});
  d.buffers = {pixels, out.slice};
  d.setPush(push);
  d.groups = vk::foldedGroups(vk::divUp(uint64_t(out.batch) * 3 * out.height * out.width, kLanes),
                              1, 1, *d.kernel, 2);
  return d;
}

vk::Dispatch normalizeDispatch(vk::KernelCache& kernels, const TensorRef& in,
                               const Normalization& norm, const TensorRef& out) {
  if (in.channels != 3 || out.channels != 3 || in.batch != out.batch ||
      in.height * in.width != out.height * out.width) {
    throw Error("normalize: needs two 3-channel tensors of the same shape");
  }
  const int hw = in.height * in.width;
  NormalizePush push{in.batch, hw, in.elementOffset, out.elementOffset, {}, {}};
  normalizationConstants(norm, push.mean, push.invStd);
  vk::Dispatch d;
  d.kernel = &kernels.get({usableBuild(kernels, "normalize", out.precision),
                           {kLanes, 1, 1},
                           {},
                           2,
                           sizeof(NormalizePush)});
  d.buffers = {in.slice, out.slice};
  d.setPush(push);
  d.groups = vk::foldedGroups(vk::divUp(uint64_t(in.batch) * 3 * hw, kLanes), 1, 1, *d.kernel, 2);
  return d;
}

vk::Dispatch meanProbabilitiesDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                       const std::vector<float>& weights, int crops,
                                       const TensorRef& out) {
  const int members = static_cast<int>(weights.size());
  if (members < 1 || members > kMaxEnsembleMembers || crops < 1 ||
      in.channels != members * out.channels || in.batch != out.batch * crops) {
    throw Error("mean_probabilities: input [" + std::to_string(in.channels) + ", " +
                std::to_string(in.batch) + "] does not hold " + std::to_string(members) +
                " members x " + std::to_string(crops) + " crops of output [" +
                std::to_string(out.channels) + ", " + std::to_string(out.batch) + "]");
  }
  MeanPush push{out.batch, crops, out.channels, members, in.elementOffset, out.elementOffset, {}};
  std::copy(weights.begin(), weights.end(), push.weight);
  vk::Dispatch d;
  d.kernel = &kernels.get({usableBuild(kernels, "mean_probabilities", in.precision),
                           {kLanes, 1, 1},
                           {},
                           2,
                           sizeof(MeanPush)});
  d.buffers = {in.slice, out.slice};
  d.setPush(push);
  d.groups =
      vk::foldedGroups(vk::divUp(uint64_t(out.batch) * out.channels, kLanes), 1, 1, *d.kernel, 2);
  return d;
}

}  // namespace vkc::ops
