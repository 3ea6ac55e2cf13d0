#include "ops/elementwise.hpp"

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
}  // namespace

vk::Dispatch copyChannelsDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                  const TensorRef& out) {
  if (in.batch != out.batch || in.channels != out.channels || in.height != out.height ||
      in.width != out.width) {
    throw Error("copy_channels: source and destination shapes differ");
  }
  vk::Dispatch d;
  d.kernel = &kernels.get(
      {shaderFor("copy_channels", in.precision), {kLanes, 1, 1}, {}, 2, sizeof(CopyPush)});
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
      {shaderFor("softmax", in.precision), {kLanes, 1, 1}, {}, 2, sizeof(SoftmaxPush)});
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
  for (int c = 0; c < 3; ++c) {
    if (!(norm.std[c] > 0.0f)) throw Error("preprocess: std must be positive");
    push.mean[c] = norm.mean[c];
    push.invStd[c] = 1.0f / norm.std[c];
  }
  vk::Dispatch d;
  d.kernel = &kernels.get(
      {shaderFor("preprocess", out.precision), {kLanes, 1, 1}, {}, 2, sizeof(PreprocessPush)});
  d.buffers = {pixels, out.slice};
  d.setPush(push);
  d.groups = vk::foldedGroups(vk::divUp(uint64_t(out.batch) * 3 * out.height * out.width, kLanes),
                              1, 1, *d.kernel, 2);
  return d;
}

}  // namespace vkc::ops
