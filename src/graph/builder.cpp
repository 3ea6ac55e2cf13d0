#include "graph/builder.hpp"

#include "vkception/error.hpp"

namespace vkc::graph {

std::string GraphBuilder::describe(int id) const {
  const Tensor& t = graph_.tensors.at(id);
  return "'" + t.name + "' [" + std::to_string(t.channels) + ", " + std::to_string(t.height) +
         ", " + std::to_string(t.width) + "]";
}

int GraphBuilder::addTensor(const std::string& name, int c, int h, int w, int producer) {
  Tensor t;
  t.name = name;
  t.channels = c;
  t.height = h;
  t.width = w;
  t.producer = producer;
  graph_.tensors.push_back(t);
  return static_cast<int>(graph_.tensors.size() - 1);
}

int GraphBuilder::addNode(Node node, int c, int h, int w) {
  for (int in : node.inputs) {
    if (in < 0 || in >= static_cast<int>(graph_.tensors.size())) {
      throw Error("node '" + node.name + "': input tensor id " + std::to_string(in) +
                  " does not exist");
    }
  }
  if (c <= 0 || h <= 0 || w <= 0) {
    std::string inputs;
    for (int in : node.inputs)
      inputs += (inputs.empty() ? "" : ", ") + describe(in);
    throw Error("node '" + node.name + "' (" + opKindName(node.kind) + "): input " + inputs +
                " gives an empty output [" + std::to_string(c) + ", " + std::to_string(h) + ", " +
                std::to_string(w) + "]; the input image is too small for this network");
  }
  int index = static_cast<int>(graph_.nodes.size());
  node.output = addTensor(node.name, c, h, w, index);
  graph_.nodes.push_back(std::move(node));
  return graph_.nodes.back().output;
}

int GraphBuilder::input(int channels, int height, int width) {
  if (graph_.input >= 0) throw Error("graph has one input");
  graph_.input = addTensor("input", channels, height, width, -1);
  return graph_.input;
}

int GraphBuilder::conv(const std::string& name, int x, const ConvSpec& spec,
                       std::vector<float> weights, std::vector<float> bias, ReadLater readLater) {
  const Tensor& in = graph_.tensors.at(x);
  const size_t expected = size_t(spec.outChannels) * in.channels * spec.kernelH * spec.kernelW;
  if (readLater ? !weights.empty() : weights.size() != expected) {
    throw Error("node '" + name + "': " + std::to_string(weights.size()) + " weights for a " +
                std::to_string(spec.kernelH) + "x" + std::to_string(spec.kernelW) + " conv " +
                describe(x) + " -> " + std::to_string(spec.outChannels) +
                " channels, which needs " + std::to_string(expected));
  }
  if (!bias.empty() && bias.size() != size_t(spec.outChannels)) {
    throw Error("node '" + name + "': bias has " + std::to_string(bias.size()) + " values, " +
                std::to_string(spec.outChannels) + " expected");
  }
  Node node;
  node.kind = OpKind::Conv;
  node.name = name;
  node.inputs = {x};
  node.geometry =
      spec.padding == Padding::Valid
          ? ops::validGeometry(spec.kernelH, spec.kernelW, spec.stride)
          : ops::sameGeometry(spec.kernelH, spec.kernelW, spec.stride, in.height, in.width);
  node.activation = spec.activation;
  node.weights = static_cast<int>(graph_.weights.size());
  graph_.weights.push_back({name, spec.outChannels, in.channels, spec.kernelH, spec.kernelW,
                            std::move(weights), std::move(readLater), std::move(bias)});
  const auto& g = node.geometry;
  int h = ops::convOutputSize(in.height, g.kernelH, g.strideH, g.padTop, g.padBottom);
  int w = ops::convOutputSize(in.width, g.kernelW, g.strideW, g.padLeft, g.padRight);
  return addNode(std::move(node), spec.outChannels, h, w);
}

int GraphBuilder::residualConv(const std::string& name, int x, int residual, float scale,
                               ops::Activation activation, std::vector<float> weights,
                               std::vector<float> bias, ReadLater readLater) {
  // A copy: conv() appends to graph_.tensors, which would leave a reference dangling.
  const Tensor res = graph_.tensors.at(residual);
  int out = conv(name, x, {res.channels, 1, 1, 1, Padding::Valid, activation}, std::move(weights),
                 std::move(bias), std::move(readLater));
  const Tensor& y = graph_.tensors[out];
  if (y.height != res.height || y.width != res.width) {
    throw Error("node '" + name + "': residual " + describe(residual) +
                " does not match the convolution output " + describe(out));
  }
  Node& node = graph_.nodes.back();
  node.inputs.push_back(residual);
  node.residualScale = scale;
  return out;
}

int GraphBuilder::linear(const std::string& name, int x, int outFeatures,
                         std::vector<float> weights, std::vector<float> bias, ReadLater readLater) {
  const Tensor& in = graph_.tensors.at(x);
  if (in.height != 1 || in.width != 1) {
    throw Error("node '" + name + "': a linear layer needs a [C, 1, 1] input, got " + describe(x));
  }
  return conv(name, x, {outFeatures, 1, 1, 1, Padding::Valid, ops::Activation::None},
              std::move(weights), std::move(bias), std::move(readLater));
}

int GraphBuilder::maxPool(const std::string& name, int x, int kernel, int stride, int pad) {
  Node node;
  node.kind = OpKind::Pool;
  node.name = name;
  node.inputs = {x};
  node.pool = {kernel, stride, pad};
  node.poolMode = ops::PoolMode::Max;
  const Tensor& in = graph_.tensors.at(x);
  return addNode(std::move(node), in.channels,
                 ops::poolOutputSize(in.height, {kernel, stride, pad}),
                 ops::poolOutputSize(in.width, {kernel, stride, pad}));
}

int GraphBuilder::avgPool(const std::string& name, int x, int kernel, int stride, int pad,
                          bool countIncludePad) {
  int out = maxPool(name, x, kernel, stride, pad);
  graph_.nodes.back().poolMode =
      countIncludePad ? ops::PoolMode::AverageIncludePad : ops::PoolMode::AverageExcludePad;
  return out;
}

int GraphBuilder::globalAvgPool(const std::string& name, int x) {
  Node node;
  node.kind = OpKind::GlobalAvgPool;
  node.name = name;
  node.inputs = {x};
  return addNode(std::move(node), graph_.tensors.at(x).channels, 1, 1);
}

int GraphBuilder::softmax(const std::string& name, int x) {
  const Tensor& in = graph_.tensors.at(x);
  if (in.height != 1 || in.width != 1) {
    throw Error("node '" + name + "': softmax needs a [C, 1, 1] input, got " + describe(x));
  }
  Node node;
  node.kind = OpKind::Softmax;
  node.name = name;
  node.inputs = {x};
  return addNode(std::move(node), in.channels, 1, 1);
}

int GraphBuilder::concat(const std::string& name, const std::vector<int>& inputs) {
  if (inputs.empty()) throw Error("node '" + name + "': concat of nothing");
  const Tensor& first = graph_.tensors.at(inputs[0]);
  int channels = 0;
  for (int in : inputs) {
    const Tensor& t = graph_.tensors.at(in);
    if (t.height != first.height || t.width != first.width) {
      throw Error("node '" + name + "': cannot concat " + describe(inputs[0]) + " and " +
                  describe(in) + " (grids differ)");
    }
    channels += t.channels;
  }
  Node node;
  node.kind = OpKind::Concat;
  node.name = name;
  node.inputs = inputs;
  int out = addNode(std::move(node), channels, first.height, first.width);
  int offset = 0;
  for (int in : inputs) {
    Tensor& t = graph_.tensors[in];
    // A producer node writes wherever its output tensor points, so it can write a slice;
    // the graph input (uploaded) and a tensor already inside another concat cannot move.
    if (t.producer >= 0 && t.parent < 0) {
      t.parent = out;
      t.channelOffset = offset;
    } else {
      Node copy;
      copy.kind = OpKind::CopyChannels;
      copy.name = name + ".copy" + std::to_string(offset);
      copy.inputs = {in};
      int c = t.channels, h = t.height, w = t.width;
      int slice = addNode(std::move(copy), c, h, w);
      graph_.tensors[slice].parent = out;
      graph_.tensors[slice].channelOffset = offset;
    }
    offset += graph_.tensors[in].channels;
  }
  // The concat node must come after the copies it depends on: move it to the end.
  auto concatIt = graph_.nodes.begin() + graph_.tensors[out].producer;
  Node concatNode = std::move(*concatIt);
  graph_.nodes.erase(concatIt);
  graph_.nodes.push_back(std::move(concatNode));
  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    graph_.tensors[graph_.nodes[i].output].producer = static_cast<int>(i);
  }
  return out;
}

int GraphBuilder::markBoundary(const std::string& name, int tensor) {
  graph_.boundaries.emplace_back(name, tensor);
  return tensor;
}

Graph GraphBuilder::finish(int output) {
  if (graph_.input < 0) throw Error("graph has no input");
  graph_.output = output;
  // The output is downloaded as one contiguous block: it must not be a slice.
  if (graph_.tensors.at(output).parent >= 0) throw Error("graph output cannot be a concat slice");
  return std::move(graph_);
}

}  // namespace vkc::graph
