#pragma once
// Winograd minimal filtering for stride-1 convolutions, F(m, r) along each axis whose kernel
// has r = 3 or 7 taps: along a row (1x3, 1x7), a column (3x1, 7x1) or both (3x3 as
// F(m x m, 3 x 3)). A tile of mh x mw outputs takes alphaH x alphaW products (alpha = m + r - 1,
// 1 along an axis of one tap) instead of mh x mw x kh x kw multiplies. Three dispatches, three
// nodes of the graph (graph/winograd_lowering.hpp), with p = (ph, pw) a transform point:
//   input:    V[p][c][tile] = sum_(a,b) BTh[ph][a] BTw[pw][b] x[c][tile's window (a, b)]
//   products: M[p] = U[p] V[p], a 1x1 convolution per point (conv1x1Dispatch with groups)
//   output:   y[o][tile's (i, j)] = act(residual + scale * (sum_p ATh[i][ph] ATw[j][pw] M[p][o]
//             + b))
// with U[p][o][c] = sum_(ky,kx) Gh[ph][ky] Gw[pw][kx] w[o][c][ky][kx] transformed once on the
// host. Why: on CPU drivers the convolutions are bound by loads and FMAs alike, and the products
// run in the 1x1 kernel, the fastest one (docs/performance.md). The matrices come from
// tools/gen-winograd.py, which states their accuracy.
#include <cstdint>
#include <string>
#include <vector>

#include "ops/conv2d.hpp"

namespace vkc::ops {

struct WinogradPlan {
  // Outputs per tile and kernel taps along the height and the width; an axis with one tap has
  // tile 1 and taps 1. tileW == 0: no Winograd.
  int tileH = 0, tileW = 0, tapsH = 1, tapsW = 1;
  bool enabled() const { return tileW > 0; }
  int alphaH() const { return tileH + tapsH - 1; }
  int alphaW() const { return tileW + tapsW - 1; }
  int points() const { return alphaH() * alphaW(); }  // groups of the products
  // The intermediate tensors' height and width: tiles down and across the output.
  int tilesH(int outH) const { return (outH + tileH - 1) / tileH; }
  int tilesW(int outW) const { return (outW + tileW - 1) / tileW; }
  std::string name() const;  // "F(6,7)" along one axis, "F(4x4,3x3)" along both
};

// Floats one invocation of the plan's input or output transform keeps live, the larger:
// the input window and its row transform (2 alphaH alphaW vec4), or the row-transformed products
// and the outputs (alphaH mw + mh mw vec4; shaders/winograd_*.comp). F(6x6,3x3) 512, F(4x4,3x3)
// 288, F(6,7) 96, F(4,3) 48.
int winogradLiveFloats(const WinogradPlan& plan);

// Which plans winogradPlanFor may choose.
struct WinogradLimits {
  int maxLiveFloats = 0;  // DevicePolicy::maxWinogradLiveFloats; 0: any
  // Along one axis only (1x3, 3x1, 1x7, 7x1), with tiles of at most 4 outputs: transforms that
  // CPU drivers build in a fraction of the 2-D ones' time, and F(4,7)'s rounding error half
  // F(6,7)'s (tools/gen-winograd.py). The at-once kernels' start (graph/winograd_lowering.hpp).
  bool oneAxisSmallTiles = false;
};

// The plan with the fewest products for a stride-1 convolution giving outH x outW whose
// products plane (tiles per image) fills the 1x1 kernel's lanes, or a disabled one if none
// takes under three quarters of the direct multiplies (the transforms cost the rest), among
// the variants within `limits`.
WinogradPlan winogradPlanFor(const ConvGeometry& geometry, int outH, int outW,
                             const WinogradLimits& limits = {});
// Whether the plan is also faster than direct convolution for these channel counts and this
// output size (measured on lavapipe; the transforms cost per channel, the products save per pair
// of channels, and each point's GEMM needs enough tiles x channels to run efficiently).
bool winogradPays(const WinogradPlan& plan, int inC, int outC, int outH, int outW);

// U of a PyTorch-order [outC, inC, kh, kw] weight tensor, computed in double, packed as
// plan.points() groups for conv1x1Dispatch: per point, packConvWeights of U[p] = [outC][inC].
std::vector<float> packWinogradWeights(const std::vector<float>& weights, int outC, int inC,
                                       const WinogradPlan& plan);
// The same into `out`, which holds packedWinogradWeightCount floats, every one of them written
// (the padding too): graph::WeightStore packs straight into mapped device memory.
size_t packedWinogradWeightCount(int outC, int inC, const WinogradPlan& plan);
void packWinogradWeightsInto(const std::vector<float>& weights, int outC, int inC,
                             const WinogradPlan& plan, float* out);

// n / d as the transform shaders divide a pixel index by the tiles per image and per row
// (shaders/winograd_tiles.glsl): the high word of n * magic shifted right by `shift`, exact for
// every n < 2^31 (Granlund and Montgomery, "Division by invariant integers using
// multiplication", 1994, theorem 4.2); magic 0 divides by 1. For 1 <= d < 2^31.
struct DivisionMagic {
  uint32_t magic = 0, shift = 0;
};
DivisionMagic divisionMagic(uint32_t d);
uint32_t divideByMagic(uint32_t n, DivisionMagic m);  // the shaders' arithmetic, for tests

// `transformed`: [points * in.channels, tilesH, tilesW].
vk::Dispatch winogradInputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                   const TensorRef& in, const ConvGeometry& geometry,
                                   const WinogradPlan& plan, const TensorRef& transformed);

// `products`: [points * out.channels, tilesH, tilesW]; bias and epilogue as conv2dDispatch's.
vk::Dispatch winogradOutputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                    const TensorRef& products, const WinogradPlan& plan,
                                    vk::BufferSlice bias, const TensorRef& out,
                                    const ConvEpilogue& epilogue);

}  // namespace vkc::ops
