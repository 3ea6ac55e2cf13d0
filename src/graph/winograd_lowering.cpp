#include "graph/winograd_lowering.hpp"

namespace vkc::graph {

int lowerToWinograd(Graph& graph, int maxLiveFloats) {
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
    const ops::WinogradPlan plan = ops::winogradPlanFor(node.geometry, outH, outW, maxLiveFloats);
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
