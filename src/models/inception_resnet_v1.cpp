// Inception-ResNet-v1 with facenet-pytorch's `InceptionResnetV1` module names, so its face
// models (and the goldens) load unchanged. Also builds small configs (widthDivisor, repeats).
#include "graph/builder.hpp"
#include "models/blocks.hpp"
#include "models/models.hpp"

namespace vkc::models {
namespace {

constexpr int kEmbedding = 512;  // facenet's embedding size: last_linear / last_bn width

int block35(Net& n, const std::string& p, int x, float scale) {
  int b0 = n.conv(p + ".branch0", x, 32, 1, 1);
  int b1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, 32, 1, 1), 32, 3, 3);
  int b2 = n.conv(p + ".branch2.0", x, 32, 1, 1);
  b2 = n.conv(p + ".branch2.2", n.conv(p + ".branch2.1", b2, 32, 3, 3), 32, 3, 3);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1, b2}), x, scale, true);
}

int block17(Net& n, const std::string& p, int x, float scale) {
  int b0 = n.conv(p + ".branch0", x, 128, 1, 1);
  int b1 = n.conv(p + ".branch1.0", x, 128, 1, 1);
  b1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", b1, 128, 1, 7), 128, 7, 1);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1}), x, scale, true);
}

int block8(Net& n, const std::string& p, int x, float scale, bool relu) {
  int b0 = n.conv(p + ".branch0", x, 192, 1, 1);
  int b1 = n.conv(p + ".branch1.0", x, 192, 1, 1);
  b1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", b1, 192, 1, 3), 192, 3, 1);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1}), x, scale, relu);
}

}  // namespace

graph::Graph buildInceptionResNetV1(const io::WeightSource& weights, ModelConfig& config) {
  graph::GraphBuilder b;
  WeightLoader w(weights);
  Net n{b, w, config.widthDivisor};
  const int repeatsA = config.repeats[0] ? config.repeats[0] : 5;
  const int repeatsB = config.repeats[1] ? config.repeats[1] : 10;
  const int repeatsC = config.repeats[2] ? config.repeats[2] : 5;
  // facenet's embedding models (classify=False) have no `logits` layer.
  const bool classify = weights.has("logits.weight");
  config.numClasses =
      classify ? w.outFeatures("logits.weight", config.numClasses) : n.ch(kEmbedding);
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
  x = mark("conv2d_4b", n.convValid("conv2d_4b", x, 256, 3, 2));
  for (int i = 0; i < repeatsA; ++i) {
    std::string p = "repeat_1." + std::to_string(i);
    x = mark(p, block35(n, p, x, 0.17f));
  }
  {  // Reduction-A, k=192 l=192 m=256 n=384
    const std::string p = "mixed_6a";
    int r0 = n.convValid(p + ".branch0", x, 384, 3, 2);
    int r1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, 192, 1, 1), 192, 3, 3);
    r1 = n.convValid(p + ".branch1.2", r1, 256, 3, 2);
    x = mark(p, b.concat(p, {r0, r1, b.maxPool(p + ".branch2", x, 3, 2, 0)}));
  }
  for (int i = 0; i < repeatsB; ++i) {
    std::string p = "repeat_2." + std::to_string(i);
    x = mark(p, block17(n, p, x, 0.10f));
  }
  {  // Reduction-B
    const std::string p = "mixed_7a";
    int r0 = n.convValid(p + ".branch0.1", n.conv(p + ".branch0.0", x, 256, 1, 1), 384, 3, 2);
    int r1 = n.convValid(p + ".branch1.1", n.conv(p + ".branch1.0", x, 256, 1, 1), 256, 3, 2);
    int r2 = n.conv(p + ".branch2.1", n.conv(p + ".branch2.0", x, 256, 1, 1), 256, 3, 3);
    r2 = n.convValid(p + ".branch2.2", r2, 256, 3, 2);
    x = mark(p, b.concat(p, {r0, r1, r2, b.maxPool(p + ".branch3", x, 3, 2, 0)}));
  }
  for (int i = 0; i < repeatsC; ++i) {
    std::string p = "repeat_3." + std::to_string(i);
    x = mark(p, block8(n, p, x, 0.20f, true));
  }
  x = mark("block8", block8(n, "block8", x, 1.0f, false));
  int pooled = mark("avgpool_1a", b.globalAvgPool("avgpool_1a", x));
  int embedding = mark("last_linear", n.classifier("last_linear", pooled, n.ch(kEmbedding), false));
  // last_bn stays a node of its own (an identity matrix with the BN folded in, i.e. diag(g))
  // rather than folded into last_linear, so both upstream boundaries exist.
  const int features = n.channels(embedding);
  FoldedConv bn{std::vector<float>(size_t(features) * features, 0.0f),
                std::vector<float>(features, 0.0f)};
  for (int i = 0; i < features; ++i)
    bn.weights[size_t(i) * features + i] = 1.0f;
  w.foldBatchNorm("last_bn", bn);
  int out = mark("last_bn", b.linear("last_bn", embedding, features, std::move(bn.weights),
                                     std::move(bn.bias)));
  // Without `logits` the output is the embedding; the caller L2-normalises it as facenet does.
  if (classify) out = mark("logits", n.classifier("logits", out, config.numClasses));
  w.finish();
  return b.finish(out);
}

}  // namespace vkc::models
