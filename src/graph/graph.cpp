#include "graph/graph.hpp"

namespace vkc::graph {

const char* opKindName(OpKind kind) {
  switch (kind) {
    case OpKind::Conv:
      return "conv";
    case OpKind::Pool:
      return "pool";
    case OpKind::GlobalAvgPool:
      return "global_avgpool";
    case OpKind::CopyChannels:
      return "copy_channels";
    case OpKind::Concat:
      return "concat";
    case OpKind::Softmax:
      return "softmax";
  }
  return "?";
}

int Graph::root(int tensor) const {
  while (tensors[tensor].parent >= 0)
    tensor = tensors[tensor].parent;
  return tensor;
}

int Graph::rootChannelOffset(int tensor) const {
  int offset = 0;
  while (tensors[tensor].parent >= 0) {
    offset += tensors[tensor].channelOffset;
    tensor = tensors[tensor].parent;
  }
  return offset;
}

double Graph::flopsPerImage() const {
  double flops = 0;
  for (const Node& node : nodes) {
    if (node.kind != OpKind::Conv) continue;
    const Tensor& out = tensors[node.output];
    const ConvWeights& w = weights[node.weights];
    flops += 2.0 * w.outC * w.inC * w.kernelH * w.kernelW * out.height * out.width;
  }
  return flops;
}

}  // namespace vkc::graph
