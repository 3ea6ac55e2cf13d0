#pragma once
// The network IR: tensors (per-image shape [C, H, W]; the batch is chosen when compiling) and
// nodes in execution order. A tensor can be a channel slice of another (its `parent`): this is
// how concat costs nothing, every branch writing straight into its part of the output.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ops/conv2d.hpp"
#include "ops/elementwise.hpp"
#include "ops/pool2d.hpp"
#include "ops/winograd.hpp"

namespace vkc::graph {

struct Tensor {
  std::string name;
  int channels = 0, height = 0, width = 0;
  int producer = -1;      // node index; -1 for the graph input
  int parent = -1;        // tensor whose channel slice this is, or -1
  int channelOffset = 0;  // offset inside `parent`
  // Rows per program batch: the batch divided by this (an ensemble's averages: one row per
  // image, not per crop).
  int batchDivisor = 1;
  size_t elementsPerImage() const { return size_t(channels) * height * width; }
};

enum class OpKind {
  Conv,           // convolution / fully connected, folded BN, fused ReLU and residual epilogue
  Pool,           // max / average pooling
  GlobalAvgPool,  // [C, H, W] -> [C, 1, 1]
  CopyChannels,   // concat fallback: copy a tensor into a slice
  Concat,         // no work: its inputs are slices of its output
  Softmax,
  // A convolution through Winograd (ops/winograd.hpp, graph/winograd_lowering.hpp): input
  // transform, products (grouped 1x1 convolution), output transform with the conv's epilogue.
  WinogradInput,
  WinogradProducts,
  WinogradOutput,
  // Ensembles (graph/ensemble_graph.hpp): per-channel (x - mean) / std of a member's input, and
  // the weighted mean of the members' probabilities over each image's crops.
  Normalize,
  MeanProbabilities,
};

const char* opKindName(OpKind kind);

struct ConvWeights {
  std::string name;  // module path, e.g. "mixed_5b.branch1.1"
  int outC = 0, inC = 0, kernelH = 1, kernelW = 1;
  std::vector<float> weights;  // [outC, inC, kh, kw], BN already folded in; or empty, and
  std::function<std::vector<float>()> readLater;  // gives them when packed (graph::WeightStore)
  std::vector<float> bias;                        // [outC]
  ops::WinogradPlan winograd;  // enabled: packed as Winograd's U (ops::packWinogradWeights)
};

struct Node {
  OpKind kind = OpKind::Conv;
  std::string name;
  std::vector<int> inputs;  // tensor ids; Conv: {x} or {x, residual}
  int output = -1;
  // Conv and the Winograd nodes
  ops::ConvGeometry geometry;
  ops::WinogradPlan winograd;
  ops::Activation activation = ops::Activation::Relu;
  float residualScale = 1.0f;
  int weights = -1;  // index into Graph::weights
  // Pool
  ops::PoolGeometry pool;
  ops::PoolMode poolMode = ops::PoolMode::Max;
  // Normalize
  ops::Normalization normalization;
  // MeanProbabilities: the members' weights (summing to 1), their inputs' row groups (crops)
  std::vector<float> memberWeights;
  int cropsPerImage = 1;
};

struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;
  std::vector<ConvWeights> weights;
  int input = -1;
  int output = -1;
  // Named block outputs, in execution order (for per-block checks against reference runs).
  std::vector<std::pair<std::string, int>> boundaries;

  int root(int tensor) const;               // follows `parent` to the owning tensor
  int rootChannelOffset(int tensor) const;  // channel offset inside root(tensor)
  double flopsPerImage() const;             // 2 * multiply-adds of every conv / linear
  // The same for one node: a convolution's, on its WinogradOutput node if lowered; else 0.
  double nodeFlopsPerImage(int node) const;
  // The node's kind of work, for profiles: "conv 3x3/2", "pool avg 3x3/1", "softmax"; the
  // three nodes of a lowered convolution share one: "conv 1x7/1 F(6,7)".
  std::string nodeKind(int node) const;
};

}  // namespace vkc::graph
