#include "ops/conv2d.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "vkception/error.hpp"

namespace vkc::ops {
namespace {

constexpr int kChannelBlock = 8;  // output channels per invocation (two vec4 accumulators)

struct ConvPush {
  int batch, inC, inH, inW;
  int outC, outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset, resOffset;
  int flags;
  float scale;
};

int samePadTotal(int in, int kernel, int stride) {
  int out = (in + stride - 1) / stride;
  return std::max((out - 1) * stride + kernel - in, 0);
}

// Workgroup width and pixels per invocation, per device. Measured on lavapipe (2 cores,
// 8-wide AVX2): one SIMD-width workgroup (8) with 8 pixels per invocation ran the Inception
// layers 1.5-1.9x faster than 64-wide workgroups with 4 pixels (benchmarks/RESULTS.md).
// GPUs get a workgroup of one subgroup (32 NVIDIA, 64 AMD) and 4 pixels: enough independent
// accumulators without crowding registers. Small grids get fewer pixels per invocation.
struct ConvTiling {
  uint32_t lanes;
  int pixelsPerInvocation;
};

ConvTiling convTiling(const vk::DeviceInfo& device, int pixels) {
  ConvTiling t;
  t.lanes = std::clamp<uint32_t>(device.subgroupSize, 8, 64);
  t.pixelsPerInvocation = device.type == "cpu" ? 8 : 4;
  while (t.pixelsPerInvocation > 1 && pixels < int(t.lanes) * t.pixelsPerInvocation) {
    t.pixelsPerInvocation /= 2;
  }
  return t;
}

// Output pixels per line segment (4..8): the length that computes the fewest wasted pixels at
// the end of a line, the longer one on a tie (35 -> 7, 17 -> 6, 147 -> 7, 8 -> 8).
int lineSegmentLength(int outW) {
  int best = 8;
  for (int length = 8; length >= 4; --length) {
    int computed = (outW + length - 1) / length * length;
    int bestComputed = (outW + best - 1) / best * best;
    if (computed < bestComputed) best = length;
  }
  return best;
}

}  // namespace

ConvGeometry validGeometry(int kernelH, int kernelW, int stride) {
  return {kernelH, kernelW, stride, stride, 0, 0, 0, 0};
}

ConvGeometry sameGeometry(int kernelH, int kernelW, int stride, int inH, int inW) {
  int totalH = samePadTotal(inH, kernelH, stride), totalW = samePadTotal(inW, kernelW, stride);
  return {kernelH,    kernelW,
          stride,     stride,
          totalH / 2, totalH - totalH / 2,
          totalW / 2, totalW - totalW / 2};
}

int convOutputSize(int in, int kernel, int stride, int padBefore, int padAfter) {
  int span = in + padBefore + padAfter - kernel;
  return span < 0 ? 0 : span / stride + 1;
}

std::vector<float> packConvWeights(const std::vector<float>& weights, int outC, int inC,
                                   int kernelH, int kernelW) {
  const size_t K = static_cast<size_t>(inC) * kernelH * kernelW;
  if (weights.size() != K * outC) throw Error("packConvWeights: weight count does not match shape");
  const int blocks = (outC + kChannelBlock - 1) / kChannelBlock;
  std::vector<float> packed(static_cast<size_t>(blocks) * K * kChannelBlock, 0.0f);
  for (int co = 0; co < outC; ++co) {
    const int block = co / kChannelBlock, lane = co % kChannelBlock;
    for (size_t k = 0; k < K; ++k) {
      packed[(block * K + k) * kChannelBlock + lane] = weights[co * K + k];
    }
  }
  return packed;
}

std::vector<float> padBias(const std::vector<float>& bias, int outC) {
  std::vector<float> padded(((outC + kChannelBlock - 1) / kChannelBlock) * kChannelBlock, 0.0f);
  for (int i = 0; i < outC && i < static_cast<int>(bias.size()); ++i)
    padded[i] = bias[i];
  return padded;
}

void foldBatchNorm(std::vector<float>& weights, std::vector<float>& bias,
                   const std::vector<float>& gamma, const std::vector<float>& beta,
                   const std::vector<float>& mean, const std::vector<float>& var, double eps) {
  const size_t outC = gamma.size();
  if (beta.size() != outC || mean.size() != outC || var.size() != outC || outC == 0 ||
      weights.size() % outC != 0) {
    throw Error("foldBatchNorm: batch-norm parameters do not match the convolution");
  }
  bias.resize(outC, 0.0f);
  const size_t perChannel = weights.size() / outC;
  for (size_t c = 0; c < outC; ++c) {
    double g = gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps);
    for (size_t k = 0; k < perChannel; ++k) {
      weights[c * perChannel + k] = static_cast<float>(weights[c * perChannel + k] * g);
    }
    bias[c] = static_cast<float>(beta[c] + (static_cast<double>(bias[c]) - mean[c]) * g);
  }
}

vk::Dispatch conv2dDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, const ConvGeometry& g,
                            vk::BufferSlice packedWeights, vk::BufferSlice bias,
                            const TensorRef& out, const ConvEpilogue& epilogue) {
  int outH = convOutputSize(in.height, g.kernelH, g.strideH, g.padTop, g.padBottom);
  int outW = convOutputSize(in.width, g.kernelW, g.strideW, g.padLeft, g.padRight);
  if (outH != out.height || outW != out.width || in.batch != out.batch) {
    throw Error("conv2d: output tensor is " + std::to_string(out.height) + "x" +
                std::to_string(out.width) + ", the convolution gives " + std::to_string(outH) +
                "x" + std::to_string(outW));
  }
  const int pixels = out.batch * outH * outW;
  const int channelBlocks = (out.channels + kChannelBlock - 1) / kChannelBlock;
  const ConvTiling tiling = convTiling(device, pixels);
  const int tn = tiling.pixelsPerInvocation;
  const bool padded = g.padTop || g.padBottom || g.padLeft || g.padRight;

  // Kernels with several taps along a row (or, one column wide, along a column) take line
  // segments (conv2d_segments.comp), sharing loads between the taps of neighbouring pixels;
  // 1x1 kernels take pixels one workgroup-width apart (conv2d.comp).
  const bool vertical = g.kernelW == 1 && g.kernelH > 1;
  const bool segments = g.kernelW > 1 || vertical;
  const int segmentLength = segments ? lineSegmentLength(vertical ? outH : outW) : tn;
  vk::KernelKey key{
      segments ? "conv2d_segments" : "conv2d",
      {tiling.lanes, 1, 1},
      {uint32_t(g.kernelH), uint32_t(g.kernelW), uint32_t(g.strideH), uint32_t(g.strideW),
       uint32_t(segmentLength), uint32_t(padded), uint32_t(vertical)},
      5,
      sizeof(ConvPush)};
  vk::Dispatch d;
  d.kernel = &kernels.get(key);
  const TensorRef* residual = epilogue.residual;
  d.buffers = {in.slice, packedWeights, bias, out.slice, residual ? residual->slice : bias};
  ConvPush push{in.batch,
                in.channels,
                in.height,
                in.width,
                out.channels,
                outH,
                outW,
                g.padTop,
                g.padLeft,
                in.elementOffset,
                out.elementOffset,
                residual ? residual->elementOffset : 0,
                (epilogue.activation == Activation::Relu ? 1 : 0) | (residual ? 2 : 0),
                epilogue.residualScale};
  d.setPush(push);
  const int along = vertical ? outH : outW, across = vertical ? outW : outH;
  const uint64_t invocations =
      segments ? uint64_t(out.batch) * across * ((along + segmentLength - 1) / segmentLength)
               : vk::divUp(pixels, tn);
  d.groups = {vk::divUp(invocations, tiling.lanes), uint32_t(channelBlocks), 1};
  return d;
}

}  // namespace vkc::ops
