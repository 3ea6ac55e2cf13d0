#pragma once
// Winograd minimal filtering F(m, r) along one axis for stride-1 convolutions whose kernel is r
// taps along a row (1x3, 1x7, and 3x3 as three rows of 1x3) or a column (3x1, 7x1): per tile
// of m outputs, alpha = m + r - 1 products instead of m * r multiplies. It runs as three
// dispatches, three nodes of the graph (graph/winograd_lowering.hpp):
//   input:    V[xi][c * lines + l][across][tile] = sum_k BT[xi][k] x[c][line l][tile * m + k]
//   products: M[xi] = U[xi] V[xi], a 1x1 convolution per xi (conv1x1Dispatch with groups)
//   output:   y[o][across][tile * m + i] = act(residual + scale * (sum_xi AT[i][xi] M[xi][o] + b))
// with U[xi][o][c * lines + l] = sum_k G[xi][k] w[o][c][l][k] transformed once on the host.
// Why: on CPU drivers the convolutions are bound by loads and FMAs alike, and the products run
// in the 1x1 kernel, the fastest one (benchmarks/RESULTS.md). The matrices come from
// tools/gen-winograd.py, which states their accuracy.
#include <vector>

#include "ops/conv2d.hpp"

namespace vkc::ops {

struct WinogradPlan {
  int tile = 0;           // m, outputs per tile; 0: no Winograd
  int taps = 0;           // r
  int lines = 1;          // kernel extent across the axis (3 for 3x3): summed by the products
  bool vertical = false;  // the axis is the height (7x1, 3x1)
  int alpha() const { return tile + taps - 1; }
  bool enabled() const { return tile > 0; }
  // The intermediate tensors' height and width: positions across the axis, tiles along it.
  int across(int outH, int outW) const { return vertical ? outW : outH; }
  int tiles(int outH, int outW) const { return ((vertical ? outH : outW) + tile - 1) / tile; }
};

// The plan with the fewest products for a convolution giving outH x outW, or a disabled one if
// none does under three quarters of the direct multiplies (the transforms cost the rest):
// stride 1, 3 or 7 taps along the width (any height) or along the height of a one-column kernel.
WinogradPlan winogradPlanFor(const ConvGeometry& geometry, int outH, int outW);
// Whether the plan is also faster than direct convolution for these channel counts and sizes
// (measured on lavapipe; the transforms' cost does not shrink with the channel counts).
bool winogradPays(const WinogradPlan& plan, int inC, int outC, int outH, int outW);

// U of a PyTorch-order [outC, inC, kh, kw] weight tensor, computed in double, packed as alpha
// groups for conv1x1Dispatch: per xi, packConvWeights of U[xi] = [outC][inC * lines].
std::vector<float> packWinogradWeights(const std::vector<float>& weights, int outC, int inC,
                                       const WinogradPlan& plan);

// `transformed`: [alpha * in.channels * lines, across, tiles].
vk::Dispatch winogradInputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                   const TensorRef& in, const ConvGeometry& geometry,
                                   const WinogradPlan& plan, const TensorRef& transformed);

// `products`: [alpha * out.channels, across, tiles]; bias and epilogue as conv2dDispatch's.
vk::Dispatch winogradOutputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                    const TensorRef& products, const WinogradPlan& plan,
                                    vk::BufferSlice bias, const TensorRef& out,
                                    const ConvEpilogue& epilogue);

}  // namespace vkc::ops
