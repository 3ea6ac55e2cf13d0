// Inception-ResNet-v2 with timm's `inception_resnet_v2` module names (TF-slim layout, which
// differs from the paper's figures: see docs/models.md). Also builds the small configs of the
// family (widthDivisor, repeats), e.g. the bundled Fashion-MNIST model.
#include "graph/builder.hpp"
#include "models/blocks.hpp"
#include "models/inception_resnet_blocks.hpp"
#include "models/models.hpp"

namespace vkc::models {

graph::Graph buildInceptionResNetV2(const io::WeightSource& weights, ModelConfig& config) {
  graph::GraphBuilder b;
  WeightLoader w(weights, config.readWeightsWhenPacked);
  Net n{b, w, config.widthDivisor};
  const int repeatsA = config.repeats[0] ? config.repeats[0] : 10;
  const int repeatsB = config.repeats[1] ? config.repeats[1] : 20;
  const int repeatsC = config.repeats[2] ? config.repeats[2] : 9;
  config.numClasses = w.outFeatures("classif.weight", config.numClasses);
  int x = b.input(3, config.inputSize, config.inputSize);
  x = resnetStem(n, x);
  x = b.markBoundary("maxpool_5a", b.maxPool("maxpool_5a", x, 3, 2, 0));
  {
    const std::string p = "mixed_5b";
    int b0 = n.conv(p + ".branch0", x, 96, 1, 1);
    int b1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, 48, 1, 1), 64, 5, 5);
    int b2 = n.conv(p + ".branch2.0", x, 64, 1, 1);
    b2 = n.conv(p + ".branch2.2", n.conv(p + ".branch2.1", b2, 96, 3, 3), 96, 3, 3);
    int b3 = n.conv(p + ".branch3.1", b.avgPool(p + ".branch3.0", x, 3, 1, 1, false), 64, 1, 1);
    x = b.markBoundary(p, b.concat(p, {b0, b1, b2, b3}));
  }
  for (int i = 0; i < repeatsA; ++i) {
    std::string p = "repeat." + std::to_string(i);
    x = b.markBoundary(p, block35(n, p, x, 0.17f, {32, 32, 32, 32, 48, 64}));
  }
  x = b.markBoundary("mixed_6a", reductionA(n, "mixed_6a", x, 256, 256, 384, 384));
  for (int i = 0; i < repeatsB; ++i) {
    std::string p = "repeat_1." + std::to_string(i);
    x = b.markBoundary(p, block17(n, p, x, 0.10f, {192, 128, 160, 192}));
  }
  x = b.markBoundary("mixed_7a",
                     resnetReductionB(n, "mixed_7a", x, {256, 384, 256, 288, 256, 288, 320}));
  for (int i = 0; i < repeatsC; ++i) {
    std::string p = "repeat_2." + std::to_string(i);
    x = b.markBoundary(p, block8(n, p, x, 0.20f, true, {192, 192, 224, 256}));
  }
  x = b.markBoundary("block8", block8(n, "block8", x, 1.0f, false, {192, 192, 224, 256}));
  x = b.markBoundary("conv2d_7b", n.conv("conv2d_7b", x, 1536, 1, 1));
  int pooled = b.markBoundary("global_pool", b.globalAvgPool("global_pool", x));
  int logits = b.markBoundary("classif", n.classifier("classif", pooled, config.numClasses));
  w.finish("inception_resnet_v2");
  return b.finish(logits);
}

}  // namespace vkc::models
