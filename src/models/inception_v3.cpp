// Inception-v3 (Szegedy et al. 2015) with timm's `inception_v3` module names (the torchvision
// layout), so timm's and torchvision's weights load unchanged. No aux classifier.
#include "graph/builder.hpp"
#include "models/blocks.hpp"
#include "models/models.hpp"

namespace vkc::models {
namespace {

// Unlike v4 and IR-v2, v3's block avg pools count the padded zeros (always divide by 9).
int avgPool(Net& n, const std::string& name, int x) {
  return n.b.avgPool(name, x, 3, 1, 1, true);
}

int inceptionA(Net& n, const std::string& p, int x, int poolFeatures) {
  int b0 = n.conv(p + ".branch1x1", x, 64, 1, 1);
  int b1 = n.conv(p + ".branch5x5_2", n.conv(p + ".branch5x5_1", x, 48, 1, 1), 64, 5, 5);
  int b2 = n.conv(p + ".branch3x3dbl_1", x, 64, 1, 1);
  b2 = n.conv(p + ".branch3x3dbl_3", n.conv(p + ".branch3x3dbl_2", b2, 96, 3, 3), 96, 3, 3);
  int b3 = n.conv(p + ".branch_pool", avgPool(n, p + ".avg_pool", x), poolFeatures, 1, 1);
  return n.b.concat(p, {b0, b1, b2, b3});
}

int inceptionC(Net& n, const std::string& p, int x, int c7) {
  int b0 = n.conv(p + ".branch1x1", x, 192, 1, 1);
  int b1 = n.conv(p + ".branch7x7_1", x, c7, 1, 1);
  b1 = n.conv(p + ".branch7x7_3", n.conv(p + ".branch7x7_2", b1, c7, 1, 7), 192, 7, 1);
  int b2 = n.conv(p + ".branch7x7dbl_1", x, c7, 1, 1);
  b2 = n.conv(p + ".branch7x7dbl_2", b2, c7, 7, 1);
  b2 = n.conv(p + ".branch7x7dbl_3", b2, c7, 1, 7);
  b2 = n.conv(p + ".branch7x7dbl_4", b2, c7, 7, 1);
  b2 = n.conv(p + ".branch7x7dbl_5", b2, 192, 1, 7);
  int b3 = n.conv(p + ".branch_pool", avgPool(n, p + ".avg_pool", x), 192, 1, 1);
  return n.b.concat(p, {b0, b1, b2, b3});
}

int inceptionE(Net& n, const std::string& p, int x) {
  int b0 = n.conv(p + ".branch1x1", x, 320, 1, 1);
  int b1 = n.conv(p + ".branch3x3_1", x, 384, 1, 1);
  int b1a = n.conv(p + ".branch3x3_2a", b1, 384, 1, 3);
  int b1b = n.conv(p + ".branch3x3_2b", b1, 384, 3, 1);
  int b2 = n.conv(p + ".branch3x3dbl_1", x, 448, 1, 1);
  b2 = n.conv(p + ".branch3x3dbl_2", b2, 384, 3, 3);
  int b2a = n.conv(p + ".branch3x3dbl_3a", b2, 384, 1, 3);
  int b2b = n.conv(p + ".branch3x3dbl_3b", b2, 384, 3, 1);
  int b3 = n.conv(p + ".branch_pool", avgPool(n, p + ".avg_pool", x), 192, 1, 1);
  return n.b.concat(p, {b0, n.b.concat(p + ".branch3x3", {b1a, b1b}),
                        n.b.concat(p + ".branch3x3dbl", {b2a, b2b}), b3});
}

}  // namespace

graph::Graph buildInceptionV3(const io::WeightSource& weights, ModelConfig& config) {
  graph::GraphBuilder b;
  WeightLoader w(weights, config.readWeightsWhenPacked);
  Net n{b, w};
  config.numClasses = w.outFeatures("fc.weight", config.numClasses);
  int x = b.input(3, config.inputSize, config.inputSize);
  x = b.markBoundary("Conv2d_1a_3x3", n.convValid("Conv2d_1a_3x3", x, 32, 3, 2));
  x = b.markBoundary("Conv2d_2a_3x3", n.convValid("Conv2d_2a_3x3", x, 32, 3));
  x = b.markBoundary("Conv2d_2b_3x3", n.conv("Conv2d_2b_3x3", x, 64, 3, 3));
  x = b.markBoundary("Pool1", b.maxPool("Pool1", x, 3, 2, 0));
  x = b.markBoundary("Conv2d_3b_1x1", n.conv("Conv2d_3b_1x1", x, 80, 1, 1));
  x = b.markBoundary("Conv2d_4a_3x3", n.convValid("Conv2d_4a_3x3", x, 192, 3));
  x = b.markBoundary("Pool2", b.maxPool("Pool2", x, 3, 2, 0));
  x = b.markBoundary("Mixed_5b", inceptionA(n, "Mixed_5b", x, 32));
  x = b.markBoundary("Mixed_5c", inceptionA(n, "Mixed_5c", x, 64));
  x = b.markBoundary("Mixed_5d", inceptionA(n, "Mixed_5d", x, 64));
  {  // Inception-B (grid reduction 35 -> 17)
    const std::string p = "Mixed_6a";
    int r0 = n.convValid(p + ".branch3x3", x, 384, 3, 2);
    int r1 = n.conv(p + ".branch3x3dbl_2", n.conv(p + ".branch3x3dbl_1", x, 64, 1, 1), 96, 3, 3);
    r1 = n.convValid(p + ".branch3x3dbl_3", r1, 96, 3, 2);
    x = b.markBoundary(p, b.concat(p, {r0, r1, b.maxPool(p + ".branch_pool", x, 3, 2, 0)}));
  }
  x = b.markBoundary("Mixed_6b", inceptionC(n, "Mixed_6b", x, 128));
  x = b.markBoundary("Mixed_6c", inceptionC(n, "Mixed_6c", x, 160));
  x = b.markBoundary("Mixed_6d", inceptionC(n, "Mixed_6d", x, 160));
  x = b.markBoundary("Mixed_6e", inceptionC(n, "Mixed_6e", x, 192));
  {  // Inception-D (grid reduction 17 -> 8)
    const std::string p = "Mixed_7a";
    int r0 = n.convValid(p + ".branch3x3_2", n.conv(p + ".branch3x3_1", x, 192, 1, 1), 320, 3, 2);
    int r1 = n.conv(p + ".branch7x7x3_1", x, 192, 1, 1);
    r1 = n.conv(p + ".branch7x7x3_3", n.conv(p + ".branch7x7x3_2", r1, 192, 1, 7), 192, 7, 1);
    r1 = n.convValid(p + ".branch7x7x3_4", r1, 192, 3, 2);
    x = b.markBoundary(p, b.concat(p, {r0, r1, b.maxPool(p + ".branch_pool", x, 3, 2, 0)}));
  }
  x = b.markBoundary("Mixed_7b", inceptionE(n, "Mixed_7b", x));
  x = b.markBoundary("Mixed_7c", inceptionE(n, "Mixed_7c", x));
  int pooled = b.markBoundary("global_pool", b.globalAvgPool("global_pool", x));
  int logits = b.markBoundary("fc", n.classifier("fc", pooled, config.numClasses));
  w.finish("inception_v3");
  return b.finish(logits);
}

}  // namespace vkc::models
