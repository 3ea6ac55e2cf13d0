#include "graph/winograd_lowering.hpp"

#include <algorithm>

#include "ops/tensor_ref.hpp"
#include "tuning.hpp"

namespace vkc::graph {

bool manySevenTapLayers(const Graph& graph) {
  const auto sevenTap = std::count_if(graph.nodes.begin(), graph.nodes.end(), [](const Node& n) {
    return n.kind == OpKind::Conv && ops::factorizedSevenTap(n.geometry);
  });
  return sevenTap >= tuning::kManySevenTapFrom;
}

std::optional<ops::WinogradLimits> winogradLimitsFor(const Graph& graph,
                                                     const vk::DevicePolicy& policy, bool atOnce) {
  if (atOnce && !manySevenTapLayers(graph)) return std::nullopt;
  // Direct where the self-test failed every build of a transform on this device.
  for (const char* transform : {"winograd_input", "winograd_output"}) {
    if (!ops::anyBuildUsable(policy, transform, ops::Precision::Fp32)) return std::nullopt;
  }
  ops::WinogradLimits limits;
  limits.maxLiveFloats = policy.maxWinogradLiveFloats;
  // Their 1x7 and 7x1 layers, a large share of the at-once kernels' time, run several times faster
  // through one-axis Winograd (docs/performance.md); the 2-D plans would add the builds of
  // F(6x6,3x3)'s transforms and its rounding error.
  limits.oneAxisSmallTiles = atOnce;
  return limits;
}

int lowerToWinograd(Graph& graph, const ops::WinogradLimits& limits) {
  // The weights are packed for one algorithm, so each lowered convolution needs its own.
  std::vector<int> uses(graph.weights.size(), 0);
  for (const Node& node : graph.nodes) {
    if (node.kind == OpKind::Conv) ++uses[node.weights];
  }
  std::vector<Node> nodes;
  nodes.reserve(graph.nodes.size());
  int lowered = 0;
  for (Node& node : graph.nodes) {
    if (node.kind != OpKind::Conv) {
      nodes.push_back(std::move(node));
      continue;
    }
    // Copies: addTensor below appends to graph.tensors, which would leave a reference dangling.
    const int outH = graph.tensors[node.output].height, outW = graph.tensors[node.output].width;
    const ops::WinogradPlan plan = ops::winogradPlanFor(node.geometry, outH, outW, limits);
    ConvWeights& weights = graph.weights[node.weights];
    if (!ops::winogradPays(plan, weights.inC, weights.outC, outH, outW) || uses[node.weights] > 1) {
      nodes.push_back(std::move(node));
      continue;
    }
    weights.winograd = plan;
    auto addTensor = [&](const std::string& suffix, int channels) {
      Tensor t;
      t.name = node.name + suffix;
      t.channels = channels;
      t.height = plan.tilesH(outH);
      t.width = plan.tilesW(outW);
      graph.tensors.push_back(t);
      return int(graph.tensors.size()) - 1;
    };
    const int transformed = addTensor("/winograd_input", plan.points() * weights.inC);
    const int products = addTensor("/winograd_products", plan.points() * weights.outC);

    Node input = node, multiply = node;
    input.kind = OpKind::WinogradInput;
    input.name = node.name + "/winograd_input";
    input.inputs = {node.inputs[0]};
    input.output = transformed;
    input.winograd = plan;
    multiply.kind = OpKind::WinogradProducts;
    multiply.name = node.name + "/winograd_products";
    multiply.inputs = {transformed};
    multiply.output = products;
    multiply.winograd = plan;
    node.kind = OpKind::WinogradOutput;
    node.inputs[0] = products;
    node.winograd = plan;
    nodes.push_back(std::move(input));
    nodes.push_back(std::move(multiply));
    nodes.push_back(std::move(node));
    ++lowered;
  }
  graph.nodes = std::move(nodes);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    graph.tensors[graph.nodes[i].output].producer = static_cast<int>(i);
  }
  return lowered;
}

}  // namespace vkc::graph
