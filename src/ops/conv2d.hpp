#pragma once
// Convolution with folded batch-norm and the fused epilogue (ops/epilogue.hpp)
// out = act(residual + scale * (conv(x) + bias)); also serves fully-connected layers as a 1x1
// convolution over a 1x1 grid.
#include <vector>

#include "ops/conv_plan.hpp"
#include "ops/epilogue.hpp"
#include "ops/tensor_ref.hpp"
#include "vk/device_info.hpp"
#include "vk/device_policy.hpp"

namespace vkc::ops {

// "valid": no padding. "same" follows TF/timm: total padding max((ceil(in/s)-1)*s + k - in, 0),
// the odd pixel going to the bottom/right; for stride 1 and odd k that is (k-1)/2 per side.
ConvGeometry validGeometry(int kernelH, int kernelW, int stride);
ConvGeometry sameGeometry(int kernelH, int kernelW, int stride, int inH, int inW);
int convOutputSize(int in, int kernel, int stride, int padBefore, int padAfter);

// Output pixels per line segment (4..longest) for a line of `outW` outputs: the length that
// computes the fewest outputs past the end, the longer one on a tie.
int lineSegmentLength(int outW, int longest);

// Weights as the shaders read them: per block of kChannelBlock output channels, [K][32] with
// K = in * kh * kw in PyTorch order; output channels padded with zeros to a multiple of 32.
// conv1x1.comp computes 16 or 32 channels per invocation, conv2d_segments.comp 16 (half a block)
// or, strided, 32.
constexpr int kChannelBlock = 32;
std::vector<float> packConvWeights(const std::vector<float>& weights, int outC, int inC,
                                   int kernelH, int kernelW);
// The same into `out`, which holds packedConvWeightCount floats, every one of them written (the
// padding too): graph::WeightStore packs straight into mapped device memory.
size_t packedConvWeightCount(int outC, int inC, int kernelH, int kernelW);
void packConvWeightsInto(const std::vector<float>& weights, int outC, int inC, int kernelH,
                         int kernelW, float* out);
std::vector<float> padBias(const std::vector<float>& bias, int outC);

// BatchNorm (eval) folded into the preceding convolution: w' = w * g, b' = beta + (b - mean) * g,
// g = gamma / sqrt(var + eps), computed in double. In two steps where the weights are read
// later (models::WeightLoader): foldBatchNormIntoBias returns the g of each output channel and
// scaleOutputChannels applies them, giving the same floats as foldBatchNorm.
void foldBatchNorm(std::vector<float>& weights, std::vector<float>& bias,
                   const std::vector<float>& gamma, const std::vector<float>& beta,
                   const std::vector<float>& mean, const std::vector<float>& var, double eps);
std::vector<double> foldBatchNormIntoBias(std::vector<float>& bias, const std::vector<float>& gamma,
                                          const std::vector<float>& beta,
                                          const std::vector<float>& mean,
                                          const std::vector<float>& var, double eps);
void scaleOutputChannels(std::vector<float>& weights, const std::vector<double>& scales);

// Register blocks per invocation. CPU drivers (lavapipe) want large ones: a fetch costs about 24
// FMAs there and spilled accumulators stay in L1 (docs/performance.md). GPUs have at most 255
// registers per invocation and spill to memory, so they get small blocks of 64 accumulators (a size
// not tuned on a GPU). At-once: spatial convolutions through conv2d_at_once.comp, whose shape is a
// push constant and whose tap loops are not unrolled (but 1x7 and 7x1 through small line segments,
// ops/conv2d.cpp), and 1x1s with small blocks: a few pipelines that CPU drivers build in seconds,
// for the first result (NetworkOptions::start, StartMode::AtOnce).
struct ConvTiling {
  int maxQuads;     // conv1x1: pixel quads per invocation
  int maxChannels;  // conv1x1: output channels per invocation (16 or 32)
  int maxSegment;   // conv2d_segments: output pixels per line segment (4..12)
  // conv2d_segments, strided kernels: output channels per invocation (16 or 32). Stride 2 reads
  // 2 TN + 1 inputs per line for TN pixels, so more channels share them: 32 pays on CPU drivers
  // for strided layers, where stride 1 gains nothing from it (docs/performance.md).
  int stridedChannels;
  bool atOnce = false;
  // At-once, and 1x7 and 7x1 (factorizedSevenTap) through line segments of 4 pixels: two
  // pipelines serving all those layers, which graph::Program asks for where a network has
  // enough of them to pay for building the two.
  bool sevenTapSegments = false;
  // At-once: output pixels per conv2d_at_once invocation (x 16 channels), 4 or 2. 2 halves the
  // accumulators, so CPU drivers build the kernel sooner on a first start, but runs 3x3 layers
  // slower: graph::Program takes 2 for networks too small for that to matter.
  int atOncePixels = 4;
};
constexpr ConvTiling kLargeTiling{3, 32, 12, 32}, kSmallTiling{1, 16, 4, 16},
    kAtOnceTiling{1, 16, 4, 16, true};
ConvTiling convTilingFor(const vk::DevicePolicy& policy, bool atOnce = false);
// 1x7 or 7x1 with stride 1: the factorized convolutions of the Inception 17x17 blocks.
bool factorizedSevenTap(const ConvGeometry& g);

// The plan (ops/conv_plan.hpp) of a convolution from `in` to `out` on the kernels' device: its
// route, and for the implicit GEMM its tile and split of K, with the workspace that needs.
ConvPlan convPlanFor(const vk::KernelCache& kernels, const vk::DeviceInfo& device,
                     const TensorRef& in, const ConvGeometry& geometry, const TensorRef& out,
                     const ConvTiling& tiling, const TensorRef* residual = nullptr);

// The dispatches of a convolution, to be recorded in order with a memory barrier between them:
// one, or where its plan splits K the partial sums and then their reduction. `workspace`: at
// least convPlanFor(...).workspaceBytes of device memory, which the dispatches may overwrite
// (none where the plan needs none).
std::vector<vk::Dispatch> conv2dDispatches(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                           const TensorRef& in, const ConvGeometry& geometry,
                                           vk::BufferSlice packedWeights, vk::BufferSlice bias,
                                           const TensorRef& out, const ConvEpilogue& epilogue,
                                           const ConvTiling& tiling,
                                           vk::BufferSlice workspace = {});
// The one dispatch of a convolution whose plan does not split K (throws for one that does).
vk::Dispatch conv2dDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, const ConvGeometry& geometry,
                            vk::BufferSlice packedWeights, vk::BufferSlice bias,
                            const TensorRef& out, const ConvEpilogue& epilogue,
                            const ConvTiling& tiling);

// A 1x1 stride-1 convolution (conv1x1.comp) as `groups` independent ones: `in` holds groups x K
// channels, `out` groups x outC, `packedWeights` the groups' packings one after another
// (Winograd's products, ops/winograd.hpp). bias.range == 0: no bias.
vk::Dispatch conv1x1Dispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                             const TensorRef& in, vk::BufferSlice packedWeights,
                             vk::BufferSlice bias, const TensorRef& out,
                             const ConvEpilogue& epilogue, const ConvTiling& tiling,
                             int groups = 1);

}  // namespace vkc::ops
