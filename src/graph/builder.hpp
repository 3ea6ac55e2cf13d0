#pragma once
// Builds a Graph with shape inference. Model files (src/models/) use only this API.
// Every method checks its input shapes and throws vkc::Error naming the node and the shapes.
#include <functional>
#include <string>
#include <vector>

#include "graph/graph.hpp"

namespace vkc::graph {

enum class Padding { Valid, Same };

struct ConvSpec {
  int outChannels = 0;
  int kernelH = 1, kernelW = 1;
  int stride = 1;
  Padding padding = Padding::Same;
  ops::Activation activation = ops::Activation::Relu;
};

class GraphBuilder {
 public:
  int input(int channels, int height, int width);

  // `weights` must be [outC, inC, kh, kw] (already batch-norm folded) and `bias` [outC] or empty;
  // or `weights` empty and `readLater` gives them when packed (ConvWeights::readLater).
  using ReadLater = std::function<std::vector<float>()>;
  int conv(const std::string& name, int x, const ConvSpec& spec, std::vector<float> weights,
           std::vector<float> bias, ReadLater readLater = {});
  // The residual join of Inception-ResNet: act(residual + scale * (conv1x1(x) + bias)).
  int residualConv(const std::string& name, int x, int residual, float scale,
                   ops::Activation activation, std::vector<float> weights, std::vector<float> bias,
                   ReadLater readLater = {});
  // Fully connected on a [C, 1, 1] tensor: a 1x1 convolution without activation.
  int linear(const std::string& name, int x, int outFeatures, std::vector<float> weights,
             std::vector<float> bias, ReadLater readLater = {});

  int maxPool(const std::string& name, int x, int kernel, int stride, int pad);
  int avgPool(const std::string& name, int x, int kernel, int stride, int pad,
              bool countIncludePad);
  int globalAvgPool(const std::string& name, int x);
  int softmax(const std::string& name, int x);

  // Channel concat in the given order. Inputs become slices of the result where their producer
  // can write a slice; others (the graph input, a tensor already in another concat) are copied.
  int concat(const std::string& name, const std::vector<int>& inputs);

  // Names a block output for per-block checks; returns `tensor` so calls can be chained.
  int markBoundary(const std::string& name, int tensor);
  const Tensor& tensor(int id) const { return graph_.tensors.at(id); }

  Graph finish(int output);

 private:
  int addTensor(const std::string& name, int c, int h, int w, int producer);
  int addNode(Node node, int c, int h, int w);
  std::string describe(int tensor) const;
  Graph graph_;
};

}  // namespace vkc::graph
