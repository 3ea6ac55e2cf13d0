// graph::Program's nodes as dispatches: what each node records, and the split-K workspace.
#include <algorithm>

#include "graph/program.hpp"
#include "ops/conv2d.hpp"
#include "ops/pool2d.hpp"
#include "ops/winograd.hpp"

namespace vkc::graph {

// A convolution that splits K (ops::planConv) writes its partial sums into a workspace, which
// the Program owns rather than the memory plan: the plan is the graph's and the batch's alone,
// while the split depends on the device. One buffer per frame, sized by the level whose split
// convolutions need the most together (a few MiB at batch 1).
void Program::planWorkspace() {
  workspace_.assign(graph_.nodes.size(), {0, 0});
  convPlans_.assign(graph_.nodes.size(), {false, {}});
  const uint64_t alignment = device_.info().bindingAlignment();
  for (const auto& level : schedule_.levels) {
    uint64_t levelBytes = 0;
    for (int index : level) {
      const Node& node = graph_.nodes[index];
      if (node.kind != OpKind::Conv) continue;
      const ops::TensorRef residual =
          bindingOf(graph_, plan_, node.inputs.size() > 1 ? node.inputs[1] : node.output);
      const ops::ConvPlan conv = ops::convPlanFor(
          device_.kernels(), device_.info(), bindingOf(graph_, plan_, node.inputs[0]),
          node.geometry, bindingOf(graph_, plan_, node.output), tiling_,
          node.inputs.size() > 1 ? &residual : nullptr);
      convPlans_[index] = {true, conv};
      if (conv.workspaceBytes == 0) continue;
      workspace_[index] = {levelBytes, conv.workspaceBytes};
      levelBytes += (conv.workspaceBytes + alignment - 1) / alignment * alignment;
      ++stats_.splitConvolutions;
    }
    if (levelBytes > 0) ++stats_.splitLevels;
    stats_.workspaceBytes = std::max(stats_.workspaceBytes, levelBytes);
  }
}

std::vector<vk::Dispatch> Program::dispatchesOf(int index, VkBuffer arena, VkBuffer workspace) {
  const Node& node = graph_.nodes[index];
  auto& kernels = device_.kernels();
  const ops::ConvTiling& tiling = tiling_;
  auto at = [&](int tensor) { return bindingOf(graph_, plan_, tensor, arena); };
  ops::TensorRef residual;  // the binding epilogueOf points to, alive until the dispatch is made
  auto epilogueOf = [&](const Node& n) {
    ops::ConvEpilogue epilogue{n.activation, n.residualScale, nullptr};
    if (n.inputs.size() > 1) {
      residual = at(n.inputs[1]);
      epilogue.residual = &residual;
    }
    return epilogue;
  };
  switch (node.kind) {
    case OpKind::Conv: {
      const auto [offset, bytes] = workspace_[index];
      return ops::conv2dDispatches(kernels, device_.info(), at(node.inputs[0]), node.geometry,
                                   weights_.weights(node.weights), weights_.bias(node.weights),
                                   at(node.output), epilogueOf(node), tiling,
                                   {bytes ? workspace : VK_NULL_HANDLE, offset, bytes});
    }
    case OpKind::Pool:
      return {ops::pool2dDispatch(kernels, device_.info(), at(node.inputs[0]), node.pool,
                                  node.poolMode, at(node.output), tiling.atOnce)};
    case OpKind::GlobalAvgPool: {
      // Where the self-test failed global_avgpool, a pool2d window over the whole (square) grid.
      const ops::TensorRef in = at(node.inputs[0]);
      if (ops::buildUsable(kernels.policy(), "global_avgpool", in.precision) ||
          in.height != in.width) {
        return {ops::globalAvgPoolDispatch(kernels, in, at(node.output))};
      }
      return {ops::pool2dDispatch(kernels, device_.info(), in, {in.height, 1, 0},
                                  ops::PoolMode::AverageExcludePad, at(node.output),
                                  tiling.atOnce)};
    }
    case OpKind::CopyChannels: {
      // Where the self-test failed copy_channels, a 1x1 max pool: the identity.
      const ops::TensorRef in = at(node.inputs[0]);
      if (ops::buildUsable(kernels.policy(), "copy_channels", in.precision)) {
        return {ops::copyChannelsDispatch(kernels, in, at(node.output))};
      }
      return {ops::pool2dDispatch(kernels, device_.info(), in, {1, 1, 0}, ops::PoolMode::Max,
                                  at(node.output), tiling.atOnce)};
    }
    case OpKind::Softmax:
      return {ops::softmaxDispatch(kernels, at(node.inputs[0]), at(node.output))};
    case OpKind::WinogradInput:
      return {ops::winogradInputDispatch(kernels, device_.info(), at(node.inputs[0]), node.geometry,
                                         node.winograd, at(node.output))};
    case OpKind::WinogradProducts:
      return {ops::conv1x1Dispatch(
          kernels, device_.info(), at(node.inputs[0]), weights_.weights(node.weights),
          vk::BufferSlice{}, at(node.output),
          ops::ConvEpilogue{ops::Activation::None, 1.0f, nullptr}, tiling, node.winograd.points())};
    case OpKind::WinogradOutput:
      return {ops::winogradOutputDispatch(kernels, device_.info(), at(node.inputs[0]),
                                          node.winograd, weights_.bias(node.weights),
                                          at(node.output), epilogueOf(node))};
    case OpKind::Normalize:
      return {
          ops::normalizeDispatch(kernels, at(node.inputs[0]), node.normalization, at(node.output))};
    case OpKind::MeanProbabilities:
      return {ops::meanProbabilitiesDispatch(kernels, at(node.inputs[0]), node.memberWeights,
                                             node.cropsPerImage, at(node.output))};
    case OpKind::Concat:
      return {};
  }
  return {};
}

}  // namespace vkc::graph
