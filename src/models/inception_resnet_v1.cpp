// Inception-ResNet-v1 with facenet-pytorch's `InceptionResnetV1` module names, so its face
// models (and the goldens) load unchanged. Also builds small configs (widthDivisor, repeats).
#include "graph/builder.hpp"
#include "models/blocks.hpp"
#include "models/inception_resnet_blocks.hpp"
#include "models/models.hpp"

namespace vkc::models {
namespace {

constexpr int kEmbedding = 512;  // facenet's embedding size: last_linear / last_bn width

}  // namespace

graph::Graph buildInceptionResNetV1(const io::WeightSource& weights, ModelConfig& config) {
  graph::GraphBuilder b;
  WeightLoader w(weights, config.readWeightsWhenPacked);
  Net n{b, w, config.widthDivisor};
  const int repeatsA = config.repeats[0] ? config.repeats[0] : 5;
  const int repeatsB = config.repeats[1] ? config.repeats[1] : 10;
  const int repeatsC = config.repeats[2] ? config.repeats[2] : 5;
  // facenet's embedding models (classify=False) have no `logits` layer.
  const bool classify = weights.has("logits.weight");
  config.numClasses =
      classify ? w.outFeatures("logits.weight", config.numClasses) : n.ch(kEmbedding);
  int x = b.input(3, config.inputSize, config.inputSize);
  x = resnetStem(n, x);
  x = b.markBoundary("conv2d_4b", n.convValid("conv2d_4b", x, 256, 3, 2));
  for (int i = 0; i < repeatsA; ++i) {
    std::string p = "repeat_1." + std::to_string(i);
    x = b.markBoundary(p, block35(n, p, x, 0.17f, {32, 32, 32, 32, 32, 32}));
  }
  x = b.markBoundary("mixed_6a", reductionA(n, "mixed_6a", x, 192, 192, 256, 384));
  for (int i = 0; i < repeatsB; ++i) {
    std::string p = "repeat_2." + std::to_string(i);
    x = b.markBoundary(p, block17(n, p, x, 0.10f, {128, 128, 128, 128}));
  }
  x = b.markBoundary("mixed_7a",
                     resnetReductionB(n, "mixed_7a", x, {256, 384, 256, 256, 256, 256, 256}));
  for (int i = 0; i < repeatsC; ++i) {
    std::string p = "repeat_3." + std::to_string(i);
    x = b.markBoundary(p, block8(n, p, x, 0.20f, true, {192, 192, 192, 192}));
  }
  x = b.markBoundary("block8", block8(n, "block8", x, 1.0f, false, {192, 192, 192, 192}));
  int pooled = b.markBoundary("avgpool_1a", b.globalAvgPool("avgpool_1a", x));
  int embedding =
      b.markBoundary("last_linear", n.classifier("last_linear", pooled, n.ch(kEmbedding), false));
  // last_bn stays a node of its own (an identity matrix with the BN folded in, i.e. diag(g))
  // rather than folded into last_linear, so both upstream boundaries exist.
  const int features = n.channels(embedding);
  FoldedConv bn{std::vector<float>(size_t(features) * features, 0.0f),
                std::vector<float>(features, 0.0f),
                {}};
  for (int i = 0; i < features; ++i)
    bn.weights[size_t(i) * features + i] = 1.0f;
  w.foldBatchNorm("last_bn", bn);
  int out = b.markBoundary("last_bn", b.linear("last_bn", embedding, features,
                                               std::move(bn.weights), std::move(bn.bias)));
  // Without `logits` the output is the embedding; the caller L2-normalises it as facenet does.
  if (classify) out = b.markBoundary("logits", n.classifier("logits", out, config.numClasses));
  w.finish("inception_resnet_v1");
  return b.finish(out);
}

}  // namespace vkc::models
