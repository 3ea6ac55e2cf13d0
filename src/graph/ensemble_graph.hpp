#pragma once
// An ensemble as one graph, so that one program records every member into one command buffer:
// the shared input (pixel / 255) normalised per member, each member's nodes, its softmax into
// a channel slice of one probabilities tensor, and the weighted mean over members and over
// each image's crops (consecutive rows), the only tensor downloaded.
#include <vector>

#include "graph/graph.hpp"

namespace vkc::graph {

struct EnsembleMemberGraph {
  const Graph* graph = nullptr;
  ops::Normalization normalization;  // the member's own (x - mean) / std
  float weight = 1.0f;               // relative; the weights are scaled to sum to 1
};

// Members must share the input shape and the number of classes. Tensor and node names get a
// "member<i>." prefix; layer (weights) indices follow the members' in order, as
// WeightStore(parts) numbers them.
Graph ensembleGraph(const std::vector<EnsembleMemberGraph>& members, int cropsPerImage);

}  // namespace vkc::graph
