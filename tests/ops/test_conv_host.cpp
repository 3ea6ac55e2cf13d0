// The convolutions' host-side code, no device needed: the Winograd transforms' tile division,
// the Winograd plan per layer, SAME padding, the batch-norm fold and the weights' packing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ops/conv2d.hpp"
#include "ops/conv_harness.hpp"
#include "ops/winograd.hpp"
#include "support/compare.hpp"
#include "support/gpu_runner.hpp"  // randomVector
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

using conv::kAtOnceWinogradLimits;

// The transforms split a pixel index into (image, tile row, tile column) by multiply-and-shift
// reciprocals of the tile counts (shaders/winograd_tiles.glsl): exact for every n < 2^31, which
// the op tests' few small grids cannot show. Divisors: every one to 4096 (tile counts and their
// products) and around powers of two up to 2^31 - 1; dividends: around multiples of d (where a
// reciprocal rounded the wrong way shows), powers of two and the largest.
TEST(WinogradTileDivision, MagicReciprocalsDivideExactly) {
  std::vector<uint32_t> divisors;
  for (uint32_t d = 1; d <= 4096; ++d)
    divisors.push_back(d);
  for (int b = 13; b <= 31; ++b) {
    for (int64_t d : {(int64_t{1} << b) - 1, int64_t{1} << b, (int64_t{1} << b) + 1}) {
      if (d < (int64_t{1} << 31)) divisors.push_back(uint32_t(d));
    }
  }
  const uint32_t largest = (1u << 31) - 1;
  int wrong = 0;
  for (uint32_t d : divisors) {
    const ops::DivisionMagic m = ops::divisionMagic(d);
    std::vector<uint32_t> dividends = {0, 1, largest, largest - 1};
    for (uint32_t k : {1u, 2u, 3u, 1000u, largest / d - 1, largest / d}) {
      const uint64_t base = uint64_t{k} * d;
      for (int64_t delta : {-1, 0, 1}) {
        const int64_t n = int64_t(base) + delta;
        if (n >= 0 && n <= largest) dividends.push_back(uint32_t(n));
      }
    }
    for (int b = 0; b < 31; ++b)
      dividends.push_back(1u << b);
    for (uint32_t n : dividends) {
      if (ops::divideByMagic(n, m) != n / d && ++wrong <= 5) {
        ADD_FAILURE() << n << " / " << d << " gave " << ops::divideByMagic(n, m);
      }
    }
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_THROW(ops::divisionMagic(0), vkc::Error);
  EXPECT_THROW(ops::divisionMagic(1u << 31), vkc::Error);
}

// The plan for a layer: the variant per axis with the fewest products among those whose products
// plane (tiles per image) reaches 16 pixels, none for strides, unsupported taps or too few tiles.
TEST(WinogradPlanChoice, FewestProductsOnAFullEnoughPlane) {
  auto planName = [](int kh, int kw, int stride, int out) {
    const ops::WinogradPlan plan =
        ops::winogradPlanFor(ops::validGeometry(kh, kw, stride), out, out);
    return plan.enabled() ? plan.name() : std::string("none");
  };
  EXPECT_EQ(planName(3, 3, 1, 35), "F(6x6,3x3)");  // 36 tiles x 64 < 54 x 48 (F(4x6)) < 81 x 36
  EXPECT_EQ(planName(3, 3, 1, 17), "F(4x4,3x3)");  // F(6x6)'s 9 tiles are too few
  EXPECT_EQ(planName(1, 7, 1, 17), "F(6,7)");      // 17 x 3 tiles x 12 < 17 x 5 x 10
  EXPECT_EQ(planName(7, 1, 1, 8), "F(4,7)");       // 2 x 8 tiles either way: 10 < 12 points
  EXPECT_EQ(planName(1, 3, 1, 8), "F(4,3)");
  EXPECT_EQ(planName(3, 3, 1, 8), "none");  // 2 x 2 tiles
  EXPECT_EQ(planName(3, 3, 2, 35), "none");
  EXPECT_EQ(planName(5, 5, 1, 35), "none");
  EXPECT_EQ(planName(1, 1, 1, 35), "none");
  // And whether it pays: at least 32 channels each side and 65536 products per point.
  auto pays = [](int inC, int outC, int out) {
    const ops::WinogradPlan plan = ops::winogradPlanFor(ops::validGeometry(3, 3, 1), out, out);
    return ops::winogradPays(plan, inC, outC, out, out);
  };
  EXPECT_TRUE(pays(32, 32, 147));  // 625 tiles of F(6x6,3x3)
  EXPECT_FALSE(pays(32, 32, 35));  // 36 tiles x 32 x 32
  EXPECT_FALSE(pays(32, 48, 35));
  EXPECT_TRUE(pays(48, 64, 35));
  EXPECT_FALSE(pays(16, 512, 147));
}

// The at-once kernels' start (graph::winogradLimitsFor): one-axis plans only, tiles of 4.
TEST(WinogradPlanChoice, AtOnceStartTakesOneAxisSmallTiles) {
  auto planName = [](int kh, int kw, int outH, int outW) {
    const ops::WinogradPlan plan =
        ops::winogradPlanFor(ops::validGeometry(kh, kw, 1), outH, outW, kAtOnceWinogradLimits);
    return plan.enabled() ? plan.name() : std::string("none");
  };
  EXPECT_EQ(planName(1, 7, 17, 17), "F(4,7)");  // F(6,7) without the limits
  EXPECT_EQ(planName(7, 1, 17, 17), "F(4,7)");
  EXPECT_EQ(planName(1, 3, 8, 36), "F(4,3)");  // F(6,3)
  EXPECT_EQ(planName(3, 3, 35, 35), "none");   // F(6x6,3x3)
  EXPECT_EQ(planName(3, 3, 17, 17), "none");   // F(4x4,3x3)
  EXPECT_EQ(ops::winogradPlanFor(ops::validGeometry(1, 7, 1), 17, 17).name(), "F(6,7)");
}

TEST(Conv2dGeometry, SamePaddingFollowsTensorFlow) {
  // Stride 2 on an even size: total pad 1, all of it at the bottom/right.
  ops::ConvGeometry g = ops::sameGeometry(3, 3, 2, 16, 16);
  EXPECT_EQ(g.padTop, 0);
  EXPECT_EQ(g.padBottom, 1);
  // Stride 1: PyTorch's padding=((kh-1)/2, (kw-1)/2) for every factorized kernel.
  for (auto [kh, kw] : {std::pair{1, 7}, {7, 1}, {1, 3}, {3, 1}, {5, 5}}) {
    g = ops::sameGeometry(kh, kw, 1, 17, 17);
    EXPECT_EQ(g.padTop, (kh - 1) / 2) << kh << "x" << kw;
    EXPECT_EQ(g.padBottom, (kh - 1) / 2) << kh << "x" << kw;
    EXPECT_EQ(g.padLeft, (kw - 1) / 2) << kh << "x" << kw;
    EXPECT_EQ(g.padRight, (kw - 1) / 2) << kh << "x" << kw;
  }
  EXPECT_EQ(ops::convOutputSize(299, 3, 2, 0, 0), 149);
  EXPECT_EQ(ops::convOutputSize(2, 3, 1, 0, 0), 0);
}

// Every folded weight and bias against the fp64 fold of ops/conv2d.hpp's formula, w' = w g,
// b' = beta + (b - mean) g, g = gamma / sqrt(var + eps), with a g per output channel far from 1
// and from every other channel's (one negative), so that a channel left unscaled, scaled by a
// neighbour's g or with another eps shows. The library computes in double and rounds once to
// float: within half an ulp, 2^-24 relative, of the exact value, plus a few 2^-53 from double.
// Bound: 2^-23 relative to the largest |value| of each channel's weights and to each bias (no
// bias here comes from a near cancellation: |b'| >= 0.2).
TEST(Conv2dFold, BatchNormFoldMatchesEvalFormula) {
  const int outC = 5, inC = 3, kh = 2, kw = 3, perChannel = inC * kh * kw;
  const double eps = 1e-3;  // models::WeightLoader's
  const std::vector<float> gamma = {0.6f, -1.3f, 2.2f, 0.35f, 1.7f},
                           beta = {0.1f, -0.2f, 0.7f, -0.5f, 0.25f},
                           mean = {0.3f, -1.0f, 0.05f, 0.8f, -0.4f},
                           var = {0.09f, 0.64f, 3.0f, 0.2f, 0.5f};  // g: 1.99 -1.62 1.27 0.78 2.40
  const std::vector<float> weights = randomVector(size_t(outC) * perChannel, 11);
  const double bound = std::ldexp(1.0, -23);

  auto scaleOf = [&](int c) { return double(gamma[c]) / std::sqrt(double(var[c]) + eps); };
  auto check = [&](const std::vector<float>& convBias, const std::vector<float>& folded,
                   const std::vector<float>& foldedBias, const std::string& what) {
    ASSERT_EQ(folded.size(), weights.size()) << what;
    ASSERT_EQ(foldedBias.size(), size_t(outC)) << what;
    for (int c = 0; c < outC; ++c) {
      const double g = scaleOf(c);
      std::vector<double> want(perChannel);
      for (int k = 0; k < perChannel; ++k)
        want[k] = double(weights[size_t(c) * perChannel + k]) * g;
      EXPECT_TRUE(withinRelative(
          compareTensors(want.data(), folded.data() + size_t(c) * perChannel, perChannel), bound))
          << what << ": weights of channel " << c;
      const double b = convBias.empty() ? 0.0 : convBias[c];
      const double wantBias = beta[c] + (b - mean[c]) * g;
      EXPECT_TRUE(withinRelative(compareTensors(&wantBias, &foldedBias[c], 1), bound))
          << what << ": bias of channel " << c;
    }
  };

  // Without a convolution bias (b = 0) and with one.
  const std::vector<float> convBias = {0.05f, 0.4f, -0.3f, 0.0f, -0.6f};
  for (const std::vector<float>& initial : {std::vector<float>{}, convBias}) {
    const std::string what = initial.empty() ? "no conv bias" : "conv bias";
    std::vector<float> w = weights, bias = initial;
    ops::foldBatchNorm(w, bias, gamma, beta, mean, var, eps);
    check(initial, w, bias, what);

    // The two steps (models::WeightLoader) give the same floats, and g in double.
    std::vector<float> w2 = weights, bias2 = initial;
    const std::vector<double> scales =
        ops::foldBatchNormIntoBias(bias2, gamma, beta, mean, var, eps);
    ASSERT_EQ(scales.size(), size_t(outC));
    for (int c = 0; c < outC; ++c)
      EXPECT_NEAR(scales[c], scaleOf(c), 4 * std::ldexp(std::fabs(scaleOf(c)), -53)) << c;
    ops::scaleOutputChannels(w2, scales);
    EXPECT_EQ(w2, w) << what;
    EXPECT_EQ(bias2, bias) << what;
  }
}

TEST(Conv2dPacking, WritesEveryElementOfItsRangeInTheShadersLayout) {
  // 37 output channels: one full block of 32 and one of 5 lanes plus 27 of padding. Packed into
  // memory full of NaN (as mapped device memory may hold anything): every element must be the
  // weight [block][k][lane] names, or exactly 0 in the padding lanes.
  const int outC = 37, inC = 3, kh = 1, kw = 3, K = inC * kh * kw;
  std::vector<float> w(size_t(outC) * K);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = 1.0f + float(i);
  const size_t count = ops::packedConvWeightCount(outC, inC, kh, kw);
  ASSERT_EQ(count, size_t(2) * K * 32);
  std::vector<float> packed(count + 1, std::numeric_limits<float>::quiet_NaN());
  ops::packConvWeightsInto(w, outC, inC, kh, kw, packed.data());
  for (int block = 0; block < 2; ++block) {
    for (int k = 0; k < K; ++k) {
      for (int lane = 0; lane < 32; ++lane) {
        const int co = block * 32 + lane;
        const float expected = co < outC ? w[size_t(co) * K + k] : 0.0f;
        ASSERT_EQ(packed[(size_t(block) * K + k) * 32 + lane], expected)
            << "block " << block << ", k " << k << ", lane " << lane;
      }
    }
  }
  EXPECT_TRUE(std::isnan(packed[count])) << "wrote past its range";
  EXPECT_EQ(ops::packConvWeights(w, outC, inC, kh, kw),
            std::vector<float>(packed.begin(), packed.end() - 1));
}

}  // namespace
}  // namespace vkc::test
