#include "ops/conv2d.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "ops/conv_bindings.hpp"
#include "tuning.hpp"
#include "vk/device_policy.hpp"
#include "vkception/error.hpp"

namespace vkc::ops {

ConvTensors convTensors(const TensorRef& in, const TensorRef& out, const ConvGeometry& g) {
  return {in.batch,  in.channels, in.height, in.width,         out.channels,     out.height,
          out.width, g.padTop,    g.padLeft, in.elementOffset, out.elementOffset};
}

void checkOperands(const TensorRef& in, const TensorRef& out, const ConvEpilogue& epilogue) {
  const TensorRef* residual = epilogue.residual;
  if (out.precision != in.precision || (residual && residual->precision != in.precision)) {
    throw Error("conv2d: input, output and residual must have the same precision");
  }
}

std::vector<vk::BufferSlice> convBuffers(bool storage, vk::BufferSlice x, vk::BufferSlice weights,
                                         vk::BufferSlice bias, const TensorRef& out,
                                         const TensorRef* residual, EpiloguePush& epilogue) {
  const vk::BufferSlice res = residual ? residual->slice : out.slice;
  if (!storage) return {x, weights, bias.range ? bias : weights, out.slice, res};
  if (bias.range > 0) {
    if (bias.buffer != weights.buffer || bias.offset < weights.offset ||
        (bias.offset - weights.offset) % sizeof(float) != 0) {
      throw Error("conv2d: storage-buffer reads need the bias after the weights in one buffer");
    }
    epilogue.biasOffset = static_cast<int>((bias.offset - weights.offset) / sizeof(float));
    weights.range = bias.offset + bias.range - weights.offset;
  }
  return {x, weights, out.slice, res};
}

ConvShape convShapeOf(const TensorRef& in, const ConvGeometry& g, const TensorRef& out,
                      const TensorRef* residual) {
  const bool aligned = in.elementOffset % 4 == 0 && out.elementOffset % 4 == 0 &&
                       (!residual || residual->elementOffset % 4 == 0);
  return {in.batch,   in.channels, in.height, in.width, out.channels,
          out.height, out.width,   g,         aligned,  in.precision};
}

namespace {

// shaders/conv_io.glsl's push constants: the tensors, (conv2d_at_once only) the kernel's shape,
// then the epilogue.
struct ConvPush {
  ConvTensors tensors;
  EpiloguePush epilogue;
};
struct AtOnceConvPush {
  ConvTensors tensors;
  int kernelH, kernelW, strideH, strideW;
  EpiloguePush epilogue;
};

int samePadTotal(int in, int kernel, int stride) {
  int out = (in + stride - 1) / stride;
  return std::max((out - 1) * stride + kernel - in, 0);
}

// Pixel quads per conv1x1 invocation (1..most) for `channels` output channels per invocation:
// the count with the least modelled time, quads computed (past the end too) x cost per quad.
// Per input channel an invocation makes tq + channels / 4 vec4 fetches and tq x channels vec4 FMAs,
// costed at 22.6 cycles per fetch and 3.76 per vec4 FMA: a microbenchmark fit on lavapipe, the
// driver the blocked kernels are shaped for. So fewer quads per invocation pay only where they
// save many past the end: 14 quads (F(6,7)'s 17 x 3 tiles) take 3 per invocation, 2 only 2.
int quadsPerInvocation(int pixelQuads, int most, int channels) {
  auto cost = [&](int tq) {
    const int computed = (pixelQuads + tq - 1) / tq * tq;
    return computed * ((tq + channels / 4.0) * 22.6 + tq * channels * 3.76) / tq;
  };
  int best = most;
  for (int tq = most - 1; tq >= 1; --tq) {
    if (cost(tq) < cost(best)) best = tq;
  }
  return best;
}

// linear.comp: 4 outputs of one image per invocation, its sums in blocks for accuracy.
vk::Dispatch linearDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, vk::BufferSlice packedWeights,
                            vk::BufferSlice bias, const TensorRef& out,
                            const ConvEpilogue& epilogue) {
  checkOperands(in, out, epilogue);
  vk::Dispatch d;
  const vk::BufferSlice x = readSlice(in, 1);
  const std::initializer_list<ReadView> views = {{x.range, 1, in.precision},
                                                 {packedWeights.range, 4, in.precision}};
  const ReadPath reads = readPathFor(kernels, device, views, "linear");
  ConvPush push{convTensors(in, out, ConvGeometry{}), epiloguePush(epilogue, bias.range > 0)};
  d.buffers = convBuffers(reads == ReadPath::StorageBuffers, x, packedWeights, bias, out,
                          epilogue.residual, push.epilogue);
  d.setPush(push);
  const uint32_t lanes = kernels.policy().convWorkgroupWidth;
  d.kernel = &kernels.get({shaderFor("linear", in.precision, reads),
                           {lanes, 1, 1},
                           {},
                           uint32_t(d.buffers.size()),
                           sizeof(ConvPush),
                           readFormats(reads, views),
                           texelDescriptorType(reads)});
  const uint64_t invocations = uint64_t(out.batch) * vk::divUp(out.channels, 4);
  d.groups = vk::foldedGroups(vk::divUp(invocations, lanes), 1, 1, *d.kernel, 2);
  return d;
}

}  // namespace

vk::Dispatch conv1x1Dispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                             const TensorRef& in, vk::BufferSlice packedWeights,
                             vk::BufferSlice bias, const TensorRef& out,
                             const ConvEpilogue& epilogue, const ConvTiling& tiling, int groups) {
  checkOperands(in, out, epilogue);
  const TensorRef* residual = epilogue.residual;
  if (in.height != out.height || in.width != out.width || in.batch != out.batch ||
      in.channels % groups != 0 || out.channels % groups != 0 || in.elementOffset % 4 != 0 ||
      out.elementOffset % 4 != 0 ||
      (residual && (groups != 1 || residual->elementOffset % 4 != 0))) {
    throw Error("conv1x1: tensors do not match a grouped 1x1 convolution");
  }
  const bool addBias = bias.range > 0;
  TensorRef groupIn = in, groupOut = out;  // the shader sees one group's channels
  groupIn.channels /= groups;
  groupOut.channels /= groups;

  vk::Dispatch d;
  const vk::BufferSlice x = readSlice(in, 4);
  const std::initializer_list<ReadView> views = {{x.range, 4, in.precision},
                                                 {packedWeights.range, 4, in.precision}};
  const ReadPath reads = readPathFor(kernels, device, views, "conv1x1");
  ConvPush push{convTensors(groupIn, groupOut, ConvGeometry{}), epiloguePush(epilogue, addBias)};
  d.buffers = convBuffers(reads == ReadPath::StorageBuffers, x, packedWeights, bias, out, residual,
                          push.epilogue);
  d.setPush(push);
  const uint32_t lanes = kernels.policy().convWorkgroupWidth;
  const int pixelQuads = int(planeElements(out.batch, out.height, out.width) / 4);
  const int channelsPerInvocation = groupOut.channels > 16 ? tiling.maxChannels : 16;
  const int tq = quadsPerInvocation(pixelQuads, tiling.maxQuads, channelsPerInvocation);
  d.kernel = &kernels.get({shaderFor("conv1x1", in.precision, reads),
                           {lanes, 1, 1},
                           {uint32_t(tq), uint32_t(channelsPerInvocation)},
                           uint32_t(d.buffers.size()),
                           sizeof(ConvPush),
                           readFormats(reads, views),
                           texelDescriptorType(reads)});
  const uint32_t invocations =
      vk::divUp(pixelQuads, tq) * vk::divUp(groupOut.channels, channelsPerInvocation);
  d.groups = vk::foldedGroups(vk::divUp(invocations, lanes), 1, uint32_t(groups), *d.kernel, 1);
  return d;
}

bool factorizedSevenTap(const ConvGeometry& g) {
  return g.strideH == 1 && g.strideW == 1 &&
         ((g.kernelH == 1 && g.kernelW == 7) || (g.kernelH == 7 && g.kernelW == 1));
}

ConvTiling convTilingFor(const vk::DevicePolicy& policy, bool atOnce) {
  if (atOnce) return kAtOnceTiling;
  return policy.largeConvBlocks ? kLargeTiling : kSmallTiling;
}

// Output pixels per line segment (4..longest): the length that computes the fewest wasted
// pixels at the end of a line, the longer one on a tie (with 12: 35 -> 7, 17 -> 9, 147 -> 7,
// 8 -> 8). Longer segments share each weight fetch among more pixels; on CPU drivers the gain
// stops past 12, the longest the callers ask for (docs/performance.md).
int lineSegmentLength(int outW, int longest) {
  int best = longest;
  for (int length = longest; length >= 4; --length) {
    int computed = (outW + length - 1) / length * length;
    int bestComputed = (outW + best - 1) / best * best;
    if (computed < bestComputed) best = length;
  }
  return best;
}

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

size_t packedConvWeightCount(int outC, int inC, int kernelH, int kernelW) {
  const size_t blocks = (outC + kChannelBlock - 1) / kChannelBlock;
  return blocks * size_t(inC) * kernelH * kernelW * kChannelBlock;
}

void packConvWeightsInto(const std::vector<float>& weights, int outC, int inC, int kernelH,
                         int kernelW, float* out) {
  const size_t K = static_cast<size_t>(inC) * kernelH * kernelW;
  if (weights.size() != K * outC) throw Error("packConvWeights: weight count does not match shape");
  const int blocks = (outC + kChannelBlock - 1) / kChannelBlock;
  // In the order of `out`, so that fresh (mapped) pages are written once, front to back.
  for (int block = 0; block < blocks; ++block) {
    const int lanes = std::min(kChannelBlock, outC - block * kChannelBlock);
    const float* first = &weights[size_t(block) * kChannelBlock * K];
    for (size_t k = 0; k < K; ++k) {
      for (int lane = 0; lane < lanes; ++lane)
        *out++ = first[lane * K + k];
      for (int lane = lanes; lane < kChannelBlock; ++lane)
        *out++ = 0.0f;
    }
  }
}

std::vector<float> packConvWeights(const std::vector<float>& weights, int outC, int inC,
                                   int kernelH, int kernelW) {
  std::vector<float> packed(packedConvWeightCount(outC, inC, kernelH, kernelW));
  packConvWeightsInto(weights, outC, inC, kernelH, kernelW, packed.data());
  return packed;
}

std::vector<float> padBias(const std::vector<float>& bias, int outC) {
  std::vector<float> padded(((outC + kChannelBlock - 1) / kChannelBlock) * kChannelBlock, 0.0f);
  for (int i = 0; i < outC && i < static_cast<int>(bias.size()); ++i)
    padded[i] = bias[i];
  return padded;
}

std::vector<double> foldBatchNormIntoBias(std::vector<float>& bias, const std::vector<float>& gamma,
                                          const std::vector<float>& beta,
                                          const std::vector<float>& mean,
                                          const std::vector<float>& var, double eps) {
  const size_t outC = gamma.size();
  if (beta.size() != outC || mean.size() != outC || var.size() != outC || outC == 0 ||
      bias.size() > outC) {
    throw Error("foldBatchNorm: batch-norm parameters do not match the convolution");
  }
  bias.resize(outC, 0.0f);
  std::vector<double> scales(outC);
  for (size_t c = 0; c < outC; ++c) {
    scales[c] = gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps);
    bias[c] = static_cast<float>(beta[c] + (static_cast<double>(bias[c]) - mean[c]) * scales[c]);
  }
  return scales;
}

void scaleOutputChannels(std::vector<float>& weights, const std::vector<double>& scales) {
  if (scales.empty() || weights.size() % scales.size() != 0) {
    throw Error("foldBatchNorm: batch-norm parameters do not match the convolution");
  }
  const size_t perChannel = weights.size() / scales.size();
  for (size_t c = 0; c < scales.size(); ++c) {
    for (size_t k = 0; k < perChannel; ++k) {
      weights[c * perChannel + k] = static_cast<float>(weights[c * perChannel + k] * scales[c]);
    }
  }
}

void foldBatchNorm(std::vector<float>& weights, std::vector<float>& bias,
                   const std::vector<float>& gamma, const std::vector<float>& beta,
                   const std::vector<float>& mean, const std::vector<float>& var, double eps) {
  if (gamma.empty() || weights.size() % gamma.size() != 0) {
    throw Error("foldBatchNorm: batch-norm parameters do not match the convolution");
  }
  scaleOutputChannels(weights, foldBatchNormIntoBias(bias, gamma, beta, mean, var, eps));
}

ConvPlan convPlanFor(const vk::KernelCache& kernels, const vk::DeviceInfo& device,
                     const TensorRef& in, const ConvGeometry& g, const TensorRef& out,
                     const ConvTiling& tiling, const TensorRef* residual) {
  return planConv(convShapeOf(in, g, out, residual), device, kernels.policy(),
                  {tiling.atOnce, tiling.sevenTapSegments});
}

std::vector<vk::Dispatch> conv2dDispatches(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                           const TensorRef& in, const ConvGeometry& g,
                                           vk::BufferSlice packedWeights, vk::BufferSlice bias,
                                           const TensorRef& out, const ConvEpilogue& epilogue,
                                           const ConvTiling& tiling, vk::BufferSlice workspace) {
  int outH = convOutputSize(in.height, g.kernelH, g.strideH, g.padTop, g.padBottom);
  int outW = convOutputSize(in.width, g.kernelW, g.strideW, g.padLeft, g.padRight);
  if (outH != out.height || outW != out.width || in.batch != out.batch) {
    throw Error("conv2d: output tensor is " + std::to_string(out.height) + "x" +
                std::to_string(out.width) + ", the convolution gives " + std::to_string(outH) +
                "x" + std::to_string(outW));
  }
  const TensorRef* residual = epilogue.residual;
  const ConvPlan plan = convPlanFor(kernels, device, in, g, out, tiling, residual);
  switch (plan.route) {
    case ConvRoute::Igemm:
      return igemmDispatches(kernels, in, g, packedWeights, bias, out, epilogue, plan, workspace);
    case ConvRoute::Regtile:
      return {regtileDispatch(kernels, device, in, g, packedWeights, bias, out, epilogue, plan)};
    case ConvRoute::Linear:  // its sums are long and its results large: added in blocks
      return {linearDispatch(kernels, device, in, packedWeights, bias, out, epilogue)};
    case ConvRoute::Pointwise:  // 4 pixels per vec4: every tensor starts on one
      return {conv1x1Dispatch(kernels, device, in, packedWeights, bias, out, epilogue, tiling)};
    case ConvRoute::AtOnce:
    case ConvRoute::Segments:
      break;
  }
  checkOperands(in, out, epilogue);
  const uint32_t lanes = kernels.policy().convWorkgroupWidth;
  const bool padded = g.padTop || g.padBottom || g.padLeft || g.padRight;
  const Precision precision = in.precision;
  vk::Dispatch d;
  const vk::BufferSlice x = readSlice(in, 1);
  const std::initializer_list<ReadView> views = {{x.range, 1, precision},
                                                 {packedWeights.range, 4, precision}};
  const ReadPath reads =
      readPathFor(kernels, device, views,
                  plan.route == ConvRoute::AtOnce ? "conv2d_at_once" : "conv2d_segments");
  if (plan.route == ConvRoute::AtOnce) {
    // One pipeline for every shape: conv2d_at_once.comp reads it from the push constants.
    AtOnceConvPush push{convTensors(in, out, g),     g.kernelH, g.kernelW, g.strideH, g.strideW,
                        epiloguePush(epilogue, true)};
    d.buffers = convBuffers(reads == ReadPath::StorageBuffers, x, packedWeights, bias, out,
                            residual, push.epilogue);
    d.setPush(push);
    d.kernel = &kernels.get({shaderFor("conv2d_at_once", precision, reads),
                             {lanes, 1, 1},
                             {uint32_t(tiling.atOncePixels)},
                             uint32_t(d.buffers.size()),
                             sizeof(AtOnceConvPush),
                             readFormats(reads, views),
                             texelDescriptorType(reads)});
    const uint64_t segments = uint64_t(out.batch) * outH * vk::divUp(outW, tiling.atOncePixels);
    d.groups = vk::foldedGroups(vk::divUp(segments, lanes),
                                vk::divUp(out.channels, tuning::kSegmentChannels), 1, *d.kernel, 2);
    return {d};
  }
  ConvPush push{convTensors(in, out, g), epiloguePush(epilogue, true)};
  d.buffers = convBuffers(reads == ReadPath::StorageBuffers, x, packedWeights, bias, out, residual,
                          push.epilogue);
  d.setPush(push);

  // Line segments (conv2d_segments.comp): consecutive pixels of a row, or of a column for
  // one-column kernels (7x1, 3x1), sharing loads between neighbouring taps.
  const bool vertical = g.kernelW == 1 && g.kernelH > 1;
  const int along = vertical ? outH : outW, across = vertical ? outW : outH;
  const int segmentLength = lineSegmentLength(along, tiling.maxSegment);
  const bool strided = g.strideH > 1 || g.strideW > 1;
  const int segmentChannels = strided && out.channels > tuning::kSegmentChannels
                                  ? tiling.stridedChannels
                                  : tuning::kSegmentChannels;
  d.kernel = &kernels.get(
      {shaderFor("conv2d_segments", precision, reads),
       {lanes, 1, 1},
       {uint32_t(g.kernelH), uint32_t(g.kernelW), uint32_t(g.strideH), uint32_t(g.strideW),
        uint32_t(segmentLength), uint32_t(padded), uint32_t(vertical), uint32_t(segmentChannels)},
       uint32_t(d.buffers.size()),
       sizeof(ConvPush),
       readFormats(reads, views),
       texelDescriptorType(reads)});
  const uint64_t segments =
      uint64_t(out.batch) * across * ((along + segmentLength - 1) / segmentLength);
  d.groups = vk::foldedGroups(vk::divUp(segments, lanes), vk::divUp(out.channels, segmentChannels),
                              1, *d.kernel, 2);
  return {d};
}

vk::Dispatch conv2dDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, const ConvGeometry& g,
                            vk::BufferSlice packedWeights, vk::BufferSlice bias,
                            const TensorRef& out, const ConvEpilogue& epilogue,
                            const ConvTiling& tiling) {
  std::vector<vk::Dispatch> d =
      conv2dDispatches(kernels, device, in, g, packedWeights, bias, out, epilogue, tiling);
  if (d.size() != 1) throw Error("conv2d: this convolution splits K: use conv2dDispatches");
  return d.front();
}

}  // namespace vkc::ops
