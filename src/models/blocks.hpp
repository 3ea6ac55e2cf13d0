#pragma once
// Building blocks shared by the Inception model files: a "conv unit" (conv + folded BN + ReLU)
// loaded by its state-dict prefix, and the scaled residual join.
#include <string>

#include "graph/builder.hpp"
#include "models/weight_loader.hpp"

namespace vkc::models {

struct Net {
  graph::GraphBuilder& b;
  WeightLoader& w;
  int divisor = 1;  // width divisor for the small configs: every channel count is divided by it

  int ch(int channels) const { return channels / divisor; }
  int channels(int tensor) const { return b.tensor(tensor).channels; }

  // `out` is the full-width channel count; Padding::Same gives PyTorch's symmetric padding
  // (k-1)/2 at stride 1, the only "same" these models use.
  int conv(const std::string& name, int x, int out, int kh, int kw, int stride = 1,
           graph::Padding padding = graph::Padding::Same);
  int convValid(const std::string& name, int x, int out, int k, int stride = 1) {
    return conv(name, x, out, k, k, stride, graph::Padding::Valid);
  }
  // act(x + scale * (conv1x1(cat) + bias)) with "<name>.weight" / "<name>.bias".
  int residualUp(const std::string& name, int cat, int x, float scale, bool relu);
  int classifier(const std::string& name, int pooled, int classes, bool bias = true);
};

}  // namespace vkc::models
