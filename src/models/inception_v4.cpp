// Inception-v4 (Szegedy et al. 2016, Figs. 3-9) with timm's `inception_v4` module names, so
// timm's `inception_v4.tf_in1k` weights load unchanged. Also builds small configs (widthDivisor,
// repeats of the A, B and C blocks; `features.N` numbered on through the blocks as timm does).
#include "graph/builder.hpp"
#include "models/blocks.hpp"
#include "models/inception_resnet_blocks.hpp"
#include "models/models.hpp"

namespace vkc::models {
namespace {

using graph::Padding;

int inceptionA(Net& n, const std::string& p, int x) {
  int b0 = n.conv(p + ".branch0", x, 96, 1, 1);
  int b1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, 64, 1, 1), 96, 3, 3);
  int b2 = n.conv(p + ".branch2.0", x, 64, 1, 1);
  b2 = n.conv(p + ".branch2.2", n.conv(p + ".branch2.1", b2, 96, 3, 3), 96, 3, 3);
  int b3 = n.conv(p + ".branch3.1", n.b.avgPool(p + ".branch3.0", x, 3, 1, 1, false), 96, 1, 1);
  return n.b.concat(p, {b0, b1, b2, b3});
}

int inceptionB(Net& n, const std::string& p, int x) {
  int b0 = n.conv(p + ".branch0", x, 384, 1, 1);
  int b1 = n.conv(p + ".branch1.0", x, 192, 1, 1);
  b1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", b1, 224, 1, 7), 256, 7, 1);
  int b2 = n.conv(p + ".branch2.0", x, 192, 1, 1);
  b2 = n.conv(p + ".branch2.1", b2, 192, 7, 1);
  b2 = n.conv(p + ".branch2.2", b2, 224, 1, 7);
  b2 = n.conv(p + ".branch2.3", b2, 224, 7, 1);
  b2 = n.conv(p + ".branch2.4", b2, 256, 1, 7);
  int b3 = n.conv(p + ".branch3.1", n.b.avgPool(p + ".branch3.0", x, 3, 1, 1, false), 128, 1, 1);
  return n.b.concat(p, {b0, b1, b2, b3});
}

int inceptionC(Net& n, const std::string& p, int x) {
  int b0 = n.conv(p + ".branch0", x, 256, 1, 1);
  int b1 = n.conv(p + ".branch1_0", x, 384, 1, 1);
  int b1a = n.conv(p + ".branch1_1a", b1, 256, 1, 3);
  int b1b = n.conv(p + ".branch1_1b", b1, 256, 3, 1);
  int b2 = n.conv(p + ".branch2_0", x, 384, 1, 1);
  b2 = n.conv(p + ".branch2_2", n.conv(p + ".branch2_1", b2, 448, 3, 1), 512, 1, 3);
  int b2a = n.conv(p + ".branch2_3a", b2, 256, 1, 3);
  int b2b = n.conv(p + ".branch2_3b", b2, 256, 3, 1);
  int b3 = n.conv(p + ".branch3.1", n.b.avgPool(p + ".branch3.0", x, 3, 1, 1, false), 256, 1, 1);
  return n.b.concat(
      p, {b0, n.b.concat(p + ".branch1", {b1a, b1b}), n.b.concat(p + ".branch2", {b2a, b2b}), b3});
}

}  // namespace

graph::Graph buildInceptionV4(const io::WeightSource& weights, ModelConfig& config) {
  graph::GraphBuilder b;
  WeightLoader w(weights, config.readWeightsWhenPacked);
  Net n{b, w, config.widthDivisor};
  const int repeatsA = config.repeats[0] ? config.repeats[0] : 4;
  const int repeatsB = config.repeats[1] ? config.repeats[1] : 7;
  const int repeatsC = config.repeats[2] ? config.repeats[2] : 3;
  config.numClasses = w.outFeatures("last_linear.weight", config.numClasses);
  auto mark = [&](int index, int t) {
    return b.markBoundary("features." + std::to_string(index), t);
  };
  int x = b.input(3, config.inputSize, config.inputSize);
  x = mark(0, n.convValid("features.0", x, 32, 3, 2));
  x = mark(1, n.convValid("features.1", x, 32, 3));
  x = mark(2, n.conv("features.2", x, 64, 3, 3));
  x = mark(3, b.concat("features.3", {b.maxPool("features.3.maxpool", x, 3, 2, 0),
                                      n.convValid("features.3.conv", x, 96, 3, 2)}));
  int m0 = n.convValid("features.4.branch0.1", n.conv("features.4.branch0.0", x, 64, 1, 1), 96, 3);
  int m1 = n.conv("features.4.branch1.0", x, 64, 1, 1);
  m1 = n.conv("features.4.branch1.2", n.conv("features.4.branch1.1", m1, 64, 1, 7), 64, 7, 1);
  m1 = n.convValid("features.4.branch1.3", m1, 96, 3);
  x = mark(4, b.concat("features.4", {m0, m1}));
  x = mark(5, b.concat("features.5", {n.convValid("features.5.conv", x, 192, 3, 2),
                                      b.maxPool("features.5.maxpool", x, 3, 2, 0)}));
  auto feature = [](int index) { return "features." + std::to_string(index); };
  int index = 6;
  for (int i = 0; i < repeatsA; ++i, ++index)
    x = mark(index, inceptionA(n, feature(index), x));
  x = mark(index, reductionA(n, feature(index), x, 192, 224, 256, 384));  // Fig. 7
  ++index;
  for (int i = 0; i < repeatsB; ++i, ++index)
    x = mark(index, inceptionB(n, feature(index), x));
  {  // Reduction-B
    std::string p = feature(index);
    int r0 = n.convValid(p + ".branch0.1", n.conv(p + ".branch0.0", x, 192, 1, 1), 192, 3, 2);
    int r1 = n.conv(p + ".branch1.0", x, 256, 1, 1);
    r1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", r1, 256, 1, 7), 320, 7, 1);
    r1 = n.convValid(p + ".branch1.3", r1, 320, 3, 2);
    x = mark(index, b.concat(p, {r0, r1, b.maxPool(p + ".branch2", x, 3, 2, 0)}));
    ++index;
  }
  for (int i = 0; i < repeatsC; ++i, ++index)
    x = mark(index, inceptionC(n, feature(index), x));
  int pooled = b.globalAvgPool("global_pool", x);
  b.markBoundary("global_pool", pooled);
  int logits = n.classifier("last_linear", pooled, config.numClasses);
  b.markBoundary("last_linear", logits);
  w.finish("inception_v4");
  return b.finish(logits);
}

}  // namespace vkc::models
