#include "models/blocks.hpp"

namespace vkc::models {

int Net::conv(const std::string& name, int x, int out, int kh, int kw, int stride,
              graph::Padding padding) {
  FoldedConv f = w.convUnit(name, ch(out), channels(x), kh, kw);
  return b.conv(name, x, {ch(out), kh, kw, stride, padding, ops::Activation::Relu},
                std::move(f.weights), std::move(f.bias), std::move(f.readLater));
}

int Net::residualUp(const std::string& name, int cat, int x, float scale, bool relu) {
  FoldedConv f = w.plain(name, channels(x), channels(cat), 1, 1, true);
  return b.residualConv(name, cat, x, scale, relu ? ops::Activation::Relu : ops::Activation::None,
                        std::move(f.weights), std::move(f.bias), std::move(f.readLater));
}

int Net::classifier(const std::string& name, int pooled, int classes, bool bias) {
  FoldedConv f = w.plain(name, classes, channels(pooled), 0, 0, bias);
  return b.linear(name, pooled, classes, std::move(f.weights), std::move(f.bias),
                  std::move(f.readLater));
}

}  // namespace vkc::models
