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
    case OpKind::WinogradInput:
      return "winograd_input";
    case OpKind::WinogradProducts:
      return "winograd_products";
    case OpKind::WinogradOutput:
      return "winograd_output";
    case OpKind::Normalize:
      return "normalize";
    case OpKind::MeanProbabilities:
      return "mean_probabilities";
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

double Graph::nodeFlopsPerImage(int node) const {
  const Node& n = nodes[node];
  if (n.kind != OpKind::Conv && n.kind != OpKind::WinogradOutput) return 0;
  const Tensor& out = tensors[n.output];
  const ConvWeights& w = weights[n.weights];
  return 2.0 * w.outC * w.inC * w.kernelH * w.kernelW * out.height * out.width;
}

double Graph::flopsPerImage() const {
  double flops = 0;
  for (size_t i = 0; i < nodes.size(); ++i)
    flops += nodeFlopsPerImage(int(i));
  return flops;
}

std::string Graph::nodeKind(int node) const {
  const Node& n = nodes[node];
  auto window = [](int kh, int kw, int stride) {
    return std::to_string(kh) + "x" + std::to_string(kw) + "/" + std::to_string(stride);
  };
  switch (n.kind) {
    case OpKind::Conv:
      return "conv " + window(n.geometry.kernelH, n.geometry.kernelW, n.geometry.strideH);
    case OpKind::WinogradInput:
    case OpKind::WinogradProducts:
    case OpKind::WinogradOutput:
      return "conv " + window(n.geometry.kernelH, n.geometry.kernelW, n.geometry.strideH) + " " +
             n.winograd.name();
    case OpKind::Pool:
      return std::string(n.poolMode == ops::PoolMode::Max ? "pool max " : "pool avg ") +
             window(n.pool.kernel, n.pool.kernel, n.pool.stride);
    default:
      return opKindName(n.kind);
  }
}

}  // namespace vkc::graph
