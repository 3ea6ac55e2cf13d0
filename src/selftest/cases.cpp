#include "selftest/cases.hpp"

#include <algorithm>

#include "ops/conv2d.hpp"

namespace vkc::selftest {

ops::ConvGeometry geometryOf(const ConvCase& c) {
  switch (c.pad) {
    case ConvCase::Valid:
      return ops::validGeometry(c.kh, c.kw, c.stride);
    case ConvCase::Same:
      return ops::sameGeometry(c.kh, c.kw, c.stride, c.inH, c.inW);
    case ConvCase::Explicit:
      break;
  }
  const int* pad = c.explicitPad;
  return {c.kh, c.kw, c.stride, c.stride, pad[0], pad[1], pad[2], pad[3]};
}

RefConv refConvOf(const ConvCase& c) {
  int pad[4] = {0, 0, 0, 0};
  if (c.pad == ConvCase::Explicit) {
    std::copy(c.explicitPad, c.explicitPad + 4, pad);
  } else if (c.pad == ConvCase::Same) {
    auto total = [&](int in, int k) {
      return std::max(((in + c.stride - 1) / c.stride - 1) * c.stride + k - in, 0);
    };
    const int th = total(c.inH, c.kh), tw = total(c.inW, c.kw);
    pad[0] = th / 2;
    pad[1] = th - th / 2;
    pad[2] = tw / 2;
    pad[3] = tw - tw / 2;
  }
  return {c.batch,  c.inC,    c.inH,  c.inW,  c.outC, c.kh,  c.kw,
          c.stride, c.stride, pad[0], pad[1], pad[2], pad[3]};
}

const std::vector<ConvCase>& convCases() {
  using C = ConvCase;
  // name, N, Cin, H, W, Cout, kh, kw, stride, pad, explicit, relu, residual, scale, total, off
  static const std::vector<ConvCase> cases = {
      {"k1x1_slice_residual", 2, 12, 6, 6, 9, 1, 1, 1, C::Valid, {}, true, true, 0.17f, 21, 5},
      {"k3x3_same_batch3", 3, 5, 7, 7, 9, 3, 3, 1, C::Same, {}, true, false, 1, 0, 0},
      {"k3x3_s2_valid_even_16", 1, 4, 16, 16, 8, 3, 3, 2, C::Valid, {}, true, false, 1, 0, 0},
      {"k1x7_same", 1, 9, 17, 17, 10, 1, 7, 1, C::Same, {}, true, false, 1, 0, 0},
      {"k7x1_same", 3, 9, 17, 17, 10, 7, 1, 1, C::Same, {}, true, false, 1, 0, 0},
      {"k3x3_explicit_pad_slice",
       1,
       3,
       9,
       5,
       4,
       3,
       3,
       1,
       C::Explicit,
       {2, 0, 1, 3},
       true,
       true,
       0.5f,
       11,
       3},
      {"k1x1_long_fully_connected", 2, 520, 1, 1, 10, 1, 1, 1, C::Valid, {}, false, false, 1, 0, 0},
  };
  return cases;
}

const std::vector<ConvCase>& winogradCases() {
  using C = ConvCase;
  static const std::vector<ConvCase> cases = {
      {"winograd_3x3_same", 1, 6, 14, 14, 7, 3, 3, 1, C::Same, {}, true, false, 1, 0, 0},
      {"winograd_1x7_same", 1, 5, 17, 17, 6, 1, 7, 1, C::Same, {}, true, true, 0.3f, 0, 0},
      {"winograd_7x1_same", 2, 5, 17, 17, 6, 7, 1, 1, C::Same, {}, true, false, 1, 10, 2},
  };
  return cases;
}

const std::vector<PoolCase>& poolCases() {
  static const std::vector<PoolCase> cases = {
      {"max_3x3_s2_valid", 2, 5, 15, 15, 3, 2, 0, RefPool::Max, 9, 2},
      {"avg_3x3_s1_same_exclude_pad", 1, 6, 8, 8, 3, 1, 1, RefPool::AvgExcludePad, 0, 0},
      {"avg_3x3_s1_same_include_pad", 1, 4, 9, 9, 3, 1, 1, RefPool::AvgIncludePad, 0, 0},
  };
  return cases;
}

}  // namespace vkc::selftest
