#include "ops/pool2d.hpp"

#include <string>

#include "ops/conv2d.hpp"
#include "vkception/error.hpp"

namespace vkc::ops {
namespace {
constexpr uint32_t kLanes = 64;

struct PoolPush {
  int batch, channels, inH, inW;
  int outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset;
};

struct GlobalPoolPush {
  int batch, channels, hw;
  int inOffset, outOffset;
};
}  // namespace

int poolOutputSize(int in, const PoolGeometry& g) {
  int span = in + 2 * g.pad - g.kernel;
  return span < 0 ? 0 : span / g.stride + 1;
}

vk::Dispatch pool2dDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, const PoolGeometry& g, PoolMode mode,
                            const TensorRef& out, bool atOnce) {
  if (out.height != poolOutputSize(in.height, g) || out.width != poolOutputSize(in.width, g) ||
      out.channels != in.channels || out.batch != in.batch) {
    throw Error("pool2d: output shape does not match the pooling of the input");
  }
  // One accumulator per output. At-once: 4 for every row, one pipeline per window and mode: a
  // pipeline per row width would cost a CPU driver an LLVM build each on the first start, for
  // layers that take a small share of the time (docs/performance.md, "Design choices, measured").
  const int segmentLength = atOnce ? 4 : lineSegmentLength(out.width, 12);
  vk::Dispatch d;
  const vk::BufferSlice x = readSlice(in, 1);
  const ReadView view{x.range, 1, in.precision};
  const ReadPath reads = readPathFor(kernels, device, {view}, "pool2d");
  d.kernel = &kernels.get(
      {shaderFor("pool2d", in.precision, reads),
       {kLanes, 1, 1},
       {uint32_t(mode), uint32_t(g.kernel), uint32_t(g.stride), uint32_t(segmentLength)},
       2,
       sizeof(PoolPush),
       readFormats(reads, {view}),
       texelDescriptorType(reads)});
  d.buffers = {x, out.slice};
  d.setPush(PoolPush{in.batch, in.channels, in.height, in.width, out.height, out.width, g.pad,
                     g.pad, in.elementOffset, out.elementOffset});
  const uint64_t segmentsPerRow = (out.width + segmentLength - 1) / segmentLength;
  d.groups = vk::foldedGroups(
      vk::divUp(uint64_t(out.batch) * out.channels * out.height * segmentsPerRow, kLanes), 1, 1,
      *d.kernel, 2);
  return d;
}

vk::Dispatch globalAvgPoolDispatch(vk::KernelCache& kernels, const TensorRef& in,
                                   const TensorRef& out) {
  if (out.height != 1 || out.width != 1 || out.channels != in.channels || out.batch != in.batch) {
    throw Error("global average pool: output must be [N, C, 1, 1]");
  }
  vk::Dispatch d;
  d.kernel = &kernels.get({usableBuild(kernels, "global_avgpool", in.precision),
                           {kLanes, 1, 1},
                           {},
                           2,
                           sizeof(GlobalPoolPush)});
  d.buffers = {in.slice, out.slice};
  d.setPush(GlobalPoolPush{in.batch, in.channels, in.height * in.width, in.elementOffset,
                           out.elementOffset});
  d.groups =
      vk::foldedGroups(vk::divUp(uint64_t(in.batch) * in.channels, kLanes), 1, 1, *d.kernel, 2);
  return d;
}

}  // namespace vkc::ops
