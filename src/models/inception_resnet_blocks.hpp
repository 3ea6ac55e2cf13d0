#pragma once
// The blocks shared by the Inception-ResNet networks (v1 and v2 differ only in widths) and the
// Reduction-A module shared with Inception-v4 (Fig. 7, parameterised by k, l, m, n).
#include <array>
#include <string>

#include "models/blocks.hpp"

namespace vkc::models {

// The stem both Inception-ResNets share (TF-slim's, not the paper's Fig. 3 for IR-v2):
// conv2d_1a 3x3/2 32, conv2d_2a 3x3 32, conv2d_2b 3x3 64, maxpool_3a, conv2d_3b 1x1 80,
// conv2d_4a 3x3 192, each a marked boundary. IR-v1 continues with conv2d_4b, IR-v2 with a pool.
int resnetStem(Net& n, int x);
// Inception-ResNet-A (35x35): branch0 1x1 | branch1 1x1 -> 3x3 | branch2 1x1 -> 3x3 -> 3x3,
// widths in that order, then the scaled residual join with ReLU.
int block35(Net& n, const std::string& p, int x, float scale, const std::array<int, 6>& widths);
// Inception-ResNet-B (17x17): branch0 1x1 | branch1 1x1 -> 1x7 -> 7x1.
int block17(Net& n, const std::string& p, int x, float scale, const std::array<int, 4>& widths);
// Inception-ResNet-C (8x8): branch0 1x1 | branch1 1x1 -> 1x3 -> 3x1; the last block of a
// network has scale 1 and no ReLU.
int block8(Net& n, const std::string& p, int x, float scale, bool relu,
           const std::array<int, 4>& widths);
// Reduction-A: [3x3/2 n | 1x1 k -> 3x3 l -> 3x3/2 m | maxpool 3/2].
int reductionA(Net& n, const std::string& p, int x, int k, int l, int m, int nOut);
// Inception-ResNet Reduction-B: [1x1 -> 3x3/2 | 1x1 -> 3x3/2 | 1x1 -> 3x3 -> 3x3/2 | maxpool],
// widths {branch0.0, branch0.1, branch1.0, branch1.1, branch2.0, branch2.1, branch2.2}.
int resnetReductionB(Net& n, const std::string& p, int x, const std::array<int, 7>& widths);

}  // namespace vkc::models
