#pragma once
// Rewrites every convolution that Winograd F(m, r) computes faster (ops::winogradPlanFor and
// ops::winogradPays: stride 1, 3 or 7 taps along rows, columns or both, enough channels and pixels)
// into its three nodes:
// WinogradInput -> transformed input -> WinogradProducts -> products -> WinogradOutput, which
// keeps the convolution's name, output, residual and epilogue. The two intermediate tensors
// are ordinary roots of the memory plan, so the scheduler orders the stages and the arena
// reuses their bytes. Marks the weights for the WeightStore to pack as Winograd's U.
#include <optional>

#include "graph/graph.hpp"
#include "ops/winograd.hpp"
#include "vk/device_policy.hpp"

namespace vkc::graph {

// Returns how many convolutions were rewritten. Call before the WeightStore is built.
int lowerToWinograd(Graph& graph, const ops::WinogradLimits& limits = {});

// The at-once start (StartMode::AtOnce) gives the factorized 1x7 and 7x1 convolutions pipelines
// of their own where a network has many of them (v4: 46, IR-v2: 40, not IR-v1: 20, v3: 26):
// one-axis Winograd (winogradLimitsFor), or where those stay direct (fp16, Winograd off) two
// line-segment pipelines (graph::Program).
bool manySevenTapLayers(const Graph& graph);

// The plans a network takes, none if nullopt: those the device policy allows; with the at-once
// kernels only the one-axis ones with small tiles, and only where manySevenTapLayers.
std::optional<ops::WinogradLimits> winogradLimitsFor(const Graph& graph,
                                                     const vk::DevicePolicy& policy, bool atOnce);

}  // namespace vkc::graph
