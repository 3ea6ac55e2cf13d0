#include "models/inception_resnet_blocks.hpp"

namespace vkc::models {

int resnetStem(Net& n, int x) {
  graph::GraphBuilder& b = n.b;
  x = b.markBoundary("conv2d_1a", n.convValid("conv2d_1a", x, 32, 3, 2));
  x = b.markBoundary("conv2d_2a", n.convValid("conv2d_2a", x, 32, 3));
  x = b.markBoundary("conv2d_2b", n.conv("conv2d_2b", x, 64, 3, 3));
  x = b.markBoundary("maxpool_3a", b.maxPool("maxpool_3a", x, 3, 2, 0));
  x = b.markBoundary("conv2d_3b", n.conv("conv2d_3b", x, 80, 1, 1));
  x = b.markBoundary("conv2d_4a", n.convValid("conv2d_4a", x, 192, 3));
  return x;
}

int block35(Net& n, const std::string& p, int x, float scale, const std::array<int, 6>& w) {
  int b0 = n.conv(p + ".branch0", x, w[0], 1, 1);
  int b1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, w[1], 1, 1), w[2], 3, 3);
  int b2 = n.conv(p + ".branch2.0", x, w[3], 1, 1);
  b2 = n.conv(p + ".branch2.2", n.conv(p + ".branch2.1", b2, w[4], 3, 3), w[5], 3, 3);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1, b2}), x, scale, true);
}

int block17(Net& n, const std::string& p, int x, float scale, const std::array<int, 4>& w) {
  int b0 = n.conv(p + ".branch0", x, w[0], 1, 1);
  int b1 = n.conv(p + ".branch1.0", x, w[1], 1, 1);
  b1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", b1, w[2], 1, 7), w[3], 7, 1);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1}), x, scale, true);
}

int block8(Net& n, const std::string& p, int x, float scale, bool relu,
           const std::array<int, 4>& w) {
  int b0 = n.conv(p + ".branch0", x, w[0], 1, 1);
  int b1 = n.conv(p + ".branch1.0", x, w[1], 1, 1);
  b1 = n.conv(p + ".branch1.2", n.conv(p + ".branch1.1", b1, w[2], 1, 3), w[3], 3, 1);
  return n.residualUp(p + ".conv2d", n.b.concat(p + ".cat", {b0, b1}), x, scale, relu);
}

int reductionA(Net& n, const std::string& p, int x, int k, int l, int m, int nOut) {
  int r0 = n.convValid(p + ".branch0", x, nOut, 3, 2);
  int r1 = n.conv(p + ".branch1.1", n.conv(p + ".branch1.0", x, k, 1, 1), l, 3, 3);
  r1 = n.convValid(p + ".branch1.2", r1, m, 3, 2);
  return n.b.concat(p, {r0, r1, n.b.maxPool(p + ".branch2", x, 3, 2, 0)});
}

int resnetReductionB(Net& n, const std::string& p, int x, const std::array<int, 7>& w) {
  int r0 = n.convValid(p + ".branch0.1", n.conv(p + ".branch0.0", x, w[0], 1, 1), w[1], 3, 2);
  int r1 = n.convValid(p + ".branch1.1", n.conv(p + ".branch1.0", x, w[2], 1, 1), w[3], 3, 2);
  int r2 = n.conv(p + ".branch2.1", n.conv(p + ".branch2.0", x, w[4], 1, 1), w[5], 3, 3);
  r2 = n.convValid(p + ".branch2.2", r2, w[6], 3, 2);
  return n.b.concat(p, {r0, r1, r2, n.b.maxPool(p + ".branch3", x, 3, 2, 0)});
}

}  // namespace vkc::models
