#include "graph/ensemble_graph.hpp"

#include <cmath>

#include "vkception/error.hpp"

namespace vkc::graph {
namespace {

int addTensor(Graph& g, const std::string& name, int channels, int height, int width) {
  Tensor t;
  t.name = name;
  t.channels = channels;
  t.height = height;
  t.width = width;
  g.tensors.push_back(t);
  return static_cast<int>(g.tensors.size()) - 1;
}

Node nodeOf(OpKind kind, const std::string& name, std::vector<int> inputs, int output) {
  Node n;
  n.kind = kind;
  n.name = name;
  n.inputs = std::move(inputs);
  n.output = output;
  return n;
}

// Appends `member` with its tensor and layer indices moved past those already in `g`; its input
// becomes the output of a Normalize node reading g's input. Returns its logits tensor.
int appendMember(Graph& g, const EnsembleMemberGraph& member, const std::string& prefix) {
  const Graph& m = *member.graph;
  const int tensorBase = static_cast<int>(g.tensors.size());
  const int weightBase = static_cast<int>(g.weights.size());
  for (Tensor t : m.tensors) {
    t.name = prefix + t.name;
    if (t.parent >= 0) t.parent += tensorBase;
    g.tensors.push_back(std::move(t));
  }
  for (const ConvWeights& w : m.weights)
    g.weights.push_back(w);
  Node normalize = nodeOf(OpKind::Normalize, prefix + "normalize", {g.input}, tensorBase + m.input);
  normalize.normalization = member.normalization;
  g.nodes.push_back(std::move(normalize));
  for (Node n : m.nodes) {
    n.name = prefix + n.name;
    for (int& in : n.inputs)
      in += tensorBase;
    n.output += tensorBase;
    if (n.weights >= 0) n.weights += weightBase;
    g.nodes.push_back(std::move(n));
  }
  return tensorBase + m.output;
}

}  // namespace

Graph ensembleGraph(const std::vector<EnsembleMemberGraph>& members, int cropsPerImage) {
  if (members.empty()) throw Error("an ensemble needs at least one member", ErrorCode::BadArgument);
  if (members.size() > size_t(ops::kMaxEnsembleMembers)) {
    throw Error("an ensemble has at most " + std::to_string(ops::kMaxEnsembleMembers) +
                    " members, got " + std::to_string(members.size()),
                ErrorCode::BadArgument);
  }
  if (cropsPerImage < 1) throw Error("crops per image must be at least 1", ErrorCode::BadArgument);
  const Graph& first = *members.front().graph;
  const Tensor& input = first.tensors[first.input];
  const int classes = first.tensors[first.output].channels;
  double total = 0;
  for (const EnsembleMemberGraph& m : members) {
    if (!(m.weight > 0.0f) || !std::isfinite(m.weight)) {
      throw Error("ensemble weights must be positive and finite", ErrorCode::BadArgument);
    }
    total += m.weight;
  }

  Graph g;
  g.input = addTensor(g, "input", input.channels, input.height, input.width);
  std::vector<int> probabilities;
  for (size_t i = 0; i < members.size(); ++i) {
    const Graph& m = *members[i].graph;
    const Tensor& in = m.tensors[m.input];
    if (in.channels != input.channels || in.height != input.height || in.width != input.width) {
      throw Error("ensemble member " + std::to_string(i) + " takes " + std::to_string(in.height) +
                      "x" + std::to_string(in.width) + " input, member 0 " +
                      std::to_string(input.height) + "x" + std::to_string(input.width),
                  ErrorCode::BadArgument);
    }
    if (m.tensors[m.output].channels != classes) {
      throw Error("ensemble member " + std::to_string(i) + " has " +
                      std::to_string(m.tensors[m.output].channels) + " classes, member 0 " +
                      std::to_string(classes),
                  ErrorCode::BadArgument);
    }
    const std::string prefix = "member" + std::to_string(i) + ".";
    const int logits = appendMember(g, members[i], prefix);
    const int p = addTensor(g, prefix + "probabilities", classes, 1, 1);
    g.nodes.push_back(nodeOf(OpKind::Softmax, prefix + "softmax", {logits}, p));
    probabilities.push_back(p);
  }
  const int all = addTensor(g, "probabilities", static_cast<int>(members.size()) * classes, 1, 1);
  for (size_t i = 0; i < probabilities.size(); ++i) {
    g.tensors[probabilities[i]].parent = all;
    g.tensors[probabilities[i]].channelOffset = static_cast<int>(i) * classes;
  }
  g.nodes.push_back(nodeOf(OpKind::Concat, "probabilities", probabilities, all));
  const int mean = addTensor(g, "mean_probabilities", classes, 1, 1);
  g.tensors[mean].batchDivisor = cropsPerImage;
  Node average = nodeOf(OpKind::MeanProbabilities, "mean_probabilities", {all}, mean);
  for (const EnsembleMemberGraph& m : members)
    average.memberWeights.push_back(static_cast<float>(m.weight / total));
  average.cropsPerImage = cropsPerImage;
  g.nodes.push_back(std::move(average));
  g.output = mean;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    g.tensors[g.nodes[i].output].producer = static_cast<int>(i);
  return g;
}

}  // namespace vkc::graph
