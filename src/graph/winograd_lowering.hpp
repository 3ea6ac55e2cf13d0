#pragma once
// Rewrites every convolution that Winograd F(m, r) computes faster (ops::winogradPlanFor and
// ops::winogradPays: stride 1, 3 or 7 taps along rows, columns or both, enough channels and pixels)
// into its three nodes:
// WinogradInput -> transformed input -> WinogradProducts -> products -> WinogradOutput, which
// keeps the convolution's name, output, residual and epilogue. The two intermediate tensors
// are ordinary roots of the memory plan, so the scheduler orders the stages and the arena
// reuses their bytes. Marks the weights for the WeightStore to pack as Winograd's U.
#include "graph/graph.hpp"

namespace vkc::graph {

// Returns how many convolutions were rewritten. Call before the WeightStore is built.
// `maxLiveFloats`: the device policy's bound on a transform's live floats (0: none).
int lowerToWinograd(Graph& graph, int maxLiveFloats = 0);

}  // namespace vkc::graph
