// Inception-ResNet-v2 with timm's `inception_resnet_v2` module names (TF-slim layout, which
// differs from the paper's figures: see README). Also builds the small configs of the family
// (widthDivisor, repeats), e.g. the bundled Fashion-MNIST model.
#include "graph/builder.hpp"
#include "models/blocks.hpp"
#include "models/models.hpp"

namespace vkc::models {
namespace {

int block35(Net& n, const std::string& p, int x, float scale) {
  int b0 = n.conv(p + ".branch0", x, 32, 1, 1);
  int b1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, 32, 1, 1), 32, 3, 3);
  int b2 = n.conv(p + ".branch2.0", x, 32, 1, 1);
  b2 = n.conv(p + ".branch2.2", n.conv(p + ".branch2.1", b2, 48, 3, 3), 64, 3, 3);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1, b2}), x, scale, true);
}

int block17(Net& n, const std::string& p, int x, float scale) {
  int b0 = n.conv(p + ".branch0", x, 192, 1, 1);
  int b1 = n.conv(p + ".branch1.0", x, 128, 1, 1);
  b1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", b1, 160, 1, 7), 192, 7, 1);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1}), x, scale, true);
}

int block8(Net& n, const std::string& p, int x, float scale, bool relu) {
  int b0 = n.conv(p + ".branch0", x, 192, 1, 1);
  int b1 = n.conv(p + ".branch1.0", x, 192, 1, 1);
  b1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", b1, 224, 1, 3), 256, 3, 1);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1}), x, scale, relu);
}

}  // namespace

graph::Graph buildInceptionResNetV2(const io::WeightSource& weights, ModelConfig& config) {
  graph::GraphBuilder b;
  WeightLoader w(weights);
  Net n{b, w, config.widthDivisor};
  const int repeatsA = config.repeats[0] ? config.repeats[0] : 10;
  const int repeatsB = config.repeats[1] ? config.repeats[1] : 20;
  const int repeatsC = config.repeats[2] ? config.repeats[2] : 9;
  config.numClasses = w.outFeatures("classif.weight", config.numClasses);
  auto mark = [&](const std::string& name, int t) {
    b.markBoundary(name, t);
    return t;
  };
  int x = b.input(3, config.inputSize, config.inputSize);
  x = mark("conv2d_1a", n.convValid("conv2d_1a", x, 32, 3, 2));
  x = mark("conv2d_2a", n.convValid("conv2d_2a", x, 32, 3));
  x = mark("conv2d_2b", n.conv("conv2d_2b", x, 64, 3, 3));
  x = mark("maxpool_3a", b.maxPool("maxpool_3a", x, 3, 2, 0));
  x = mark("conv2d_3b", n.conv("conv2d_3b", x, 80, 1, 1));
  x = mark("conv2d_4a", n.convValid("conv2d_4a", x, 192, 3));
  x = mark("maxpool_5a", b.maxPool("maxpool_5a", x, 3, 2, 0));
  {
    const std::string p = "mixed_5b";
    int b0 = n.conv(p + ".branch0", x, 96, 1, 1);
    int b1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, 48, 1, 1), 64, 5, 5);
    int b2 = n.conv(p + ".branch2.0", x, 64, 1, 1);
    b2 = n.conv(p + ".branch2.2", n.conv(p + ".branch2.1", b2, 96, 3, 3), 96, 3, 3);
    int b3 = n.conv(p + ".branch3.1", b.avgPool(p + ".branch3.0", x, 3, 1, 1, false), 64, 1, 1);
    x = mark(p, b.concat(p, {b0, b1, b2, b3}));
  }
  for (int i = 0; i < repeatsA; ++i) {
    std::string p = "repeat." + std::to_string(i);
    x = mark(p, block35(n, p, x, 0.17f));
  }
  {  // Reduction-A, k=256 l=256 m=384 n=384
    const std::string p = "mixed_6a";
    int r0 = n.convValid(p + ".branch0", x, 384, 3, 2);
    int r1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, 256, 1, 1), 256, 3, 3);
    r1 = n.convValid(p + ".branch1.2", r1, 384, 3, 2);
    x = mark(p, b.concat(p, {r0, r1, b.maxPool(p + ".branch2", x, 3, 2, 0)}));
  }
  for (int i = 0; i < repeatsB; ++i) {
    std::string p = "repeat_1." + std::to_string(i);
    x = mark(p, block17(n, p, x, 0.10f));
  }
  {  // Reduction-B
    const std::string p = "mixed_7a";
    int r0 = n.convValid(p + ".branch0.1", n.conv(p + ".branch0.0", x, 256, 1, 1), 384, 3, 2);
    int r1 = n.convValid(p + ".branch1.1", n.conv(p + ".branch1.0", x, 256, 1, 1), 288, 3, 2);
    int r2 = n.conv(p + ".branch2.1", n.conv(p + ".branch2.0", x, 256, 1, 1), 288, 3, 3);
    r2 = n.convValid(p + ".branch2.2", r2, 320, 3, 2);
    x = mark(p, b.concat(p, {r0, r1, r2, b.maxPool(p + ".branch3", x, 3, 2, 0)}));
  }
  for (int i = 0; i < repeatsC; ++i) {
    std::string p = "repeat_2." + std::to_string(i);
    x = mark(p, block8(n, p, x, 0.20f, true));
  }
  x = mark("block8", block8(n, "block8", x, 1.0f, false));
  x = mark("conv2d_7b", n.conv("conv2d_7b", x, 1536, 1, 1));
  int pooled = mark("global_pool", b.globalAvgPool("global_pool", x));
  int logits = mark("classif", n.classifier("classif", pooled, config.numClasses));
  w.finish();
  return b.finish(logits);
}

}  // namespace vkc::models
