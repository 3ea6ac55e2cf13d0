#pragma once
// The cases the on-device self-test runs (selftest/self_test.hpp) and the op tests (tests/ops/)
// start from: small shapes that reach every route a layer of the four networks can take (1x1,
// 3x3, strided, padded, 1x7/7x1, 1x3/3x1, the long fully connected layers, channel slices of a
// concat, the scaled residual), the pools and the small ops.
#include <string>
#include <vector>

#include "ops/conv_plan.hpp"
#include "selftest/reference.hpp"

namespace vkc::selftest {

struct ConvCase {
  std::string name;
  int batch, inC, inH, inW, outC, kh, kw, stride;
  enum Pad { Valid, Same, Explicit } pad;
  int explicitPad[4];  // top, bottom, left, right
  bool relu;
  bool residual;
  float scale;
  int outCTotal, outCOffset;  // write into a slice of a larger tensor when outCTotal > outC
};

// The geometry the library runs the case with (ops::validGeometry / sameGeometry).
ops::ConvGeometry geometryOf(const ConvCase& c);
// The case for the reference, its padding derived on its own (not from the geometry under test):
// TensorFlow's SAME rule, which for stride 1 and odd kernels is PyTorch's (k-1)/2 per side.
RefConv refConvOf(const ConvCase& c);

// Direct convolutions: each route of ops::planConv and each kernel shape of the networks.
const std::vector<ConvCase>& convCases();
// Stride-1 convolutions a Winograd plan takes (3x3, 1x7, 7x1, 1x3, 3x1).
const std::vector<ConvCase>& winogradCases();

struct PoolCase {
  std::string name;
  int batch, channels, height, width, kernel, stride, pad;
  RefPool mode;
  int outCTotal, outCOffset;
};
// Max and average pools of the networks' kinds: strided valid max, same-padded averages.
const std::vector<PoolCase>& poolCases();

}  // namespace vkc::selftest
