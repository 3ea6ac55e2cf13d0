// Convolution shader vs. the double-precision CPU reference, over every kernel shape the
// Inception networks use, odd sizes, strides, paddings, channel slices and the residual epilogue.
// The shared harness and the case table: conv_harness.hpp; Winograd: test_winograd_conv.cpp;
// the host-only geometry, plan, folding and packing tests: test_conv_host.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ops/conv2d.hpp"
#include "ops/conv_harness.hpp"
#include "support/compare.hpp"
#include "support/gpu_runner.hpp"
#include "support/op_variants.hpp"
#include "support/vulkan_env.hpp"

namespace vkc::test {
namespace {

using namespace conv;

// The RMS check's bound, in units of statisticalErrorScale. Errors spread evenly over +-u|v|
// have an RMS of u|v| / sqrt(3), at most 0.58 of the scale; lavapipe's direct cases measure
// 0.07-0.31 of it in fp32 (whose partial sums stay below their share K sum p_i^2) and 0.31-0.45
// in fp16 (the "[ conv ]" lines; the variants of a case agree), the most in short sums over few
// outputs (k3x3_s2_explicit_pad). 1.5 is 3.3x over the largest. A product missing from every sum
// errs by its |p| where the relu passes the output: about sqrt(sum p_i^2 / K) against a bound of
// 1.5 u sqrt(sum p_i^2 + y^2), so it shows by a factor that falls as 1 / sqrt(K): 17x at K = 2080
// (1x1) and 13x at K = 3456 (3x3) in fp16, where the per-element bound (selftest::fp16Share) hides
// it.
constexpr double kRmsMargin = 1.5;

class Conv2dTest : public testing::TestWithParam<ConvVariantCase> {};

TEST_P(Conv2dTest, MatchesCpuReference) {
  // Tolerance per element: 2 * (K + 4) * 2^-24 * sum|x_i w_i| (fp32 accumulation of K products
  // plus the bias/scale/residual roundings; see tests/support/cpu_reference.hpp), and for fp16
  // variants selftest::fp16Share. Every variant (support/op_variants.hpp) runs every case: texel
  // and storage reads, fp32 and fp16, large (CPU drivers) and small (GPUs) register blocks, at-once
  // kernels (StartMode::AtOnce), the Vulkan 1.1 minimum limits.
  // And over all outputs: RMS error below kRmsMargin times the statistical scale of the
  // roundings (statisticalErrorScale), which the worst case per element far exceeds in long fp16
  // sums: one product missing from each of them shows here, not there.
  const ConvCase& tc = std::get<0>(GetParam());
  const OpVariant& variant = std::get<1>(GetParam());
  const std::string why = unavailable(variant);
  if (!why.empty()) GTEST_SKIP() << why;
  const ConvOutcome o = runConvCase(tc, variant);
  const double rmsBound = kRmsMargin * o.rmsScale;
  EXPECT_LE(o.errors.rmsError, rmsBound) << describe(o.errors) << " (K " << tc.inC * tc.kh * tc.kw
                                         << ", statistical scale " << o.rmsScale << ")";
  RecordProperty("max_abs_error", std::to_string(o.elements.maxError));
  std::printf("[ conv ] %-34s %-20s max |err| %.3g (%.3f of bound), rms %.3g (%.3f of scale)\n",
              tc.name.c_str(), variant.id.c_str(), o.elements.maxError, o.elements.maxRatio,
              o.errors.rmsError, o.errors.rmsError / o.rmsScale);
}

// Every case under every variant, but for the 384-channel 3x3 (whose fp64 reference alone takes
// seconds) under the implicit GEMM's split-K and minimum-limits variants: their kernels are
// igemm_fp32's, which runs it, with other tiles or K slices, which the other cases exercise
// (large_1x1_2080_to_1536 with long slices).
std::vector<ConvVariantCase> convVariantCases() {
  std::vector<ConvVariantCase> cases;
  for (const ConvCase& tc : convCases()) {
    for (const OpVariant& v : opVariants()) {
      const bool igemmVariation = v.convKernel && (v.splitK > 0 || v.minimumLimits);
      if (!(igemmVariation && tc.name == "large_3x3_384_to_384_35")) cases.emplace_back(tc, v);
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Ops, Conv2dTest, testing::ValuesIn(convVariantCases()), nameOf);

// A fully connected layer adds its products in blocks (shaders/linear.comp), which an fp32 sum
// of this length shows exactly: 4096 products of 1 + 2^-14 sum to 4096.25, which blocks of up to
// 1024 products reach without a rounding (every partial sum a multiple of its ulp), while one
// sequential sum loses 2^-14 per product from 1024 on and ends at 4096.0625.
class FullyConnectedTest : public testing::TestWithParam<OpVariant> {};

TEST_P(FullyConnectedTest, AddsItsProductsInBlocks) {
  const OpVariant& variant = GetParam();
  const std::string why = unavailable(variant);
  if (!why.empty()) GTEST_SKIP() << why;
  vk::Device& device = deviceFor(variant);
  const int batch = 2, inC = 4096, outC = 5;
  const float product = 1.0f + std::ldexp(1.0f, -14);
  vk::Buffer xb = uploadTensor(device, std::vector<float>(deviceCount(batch, inC, 1), 1.0f),
                               ops::Precision::Fp32);
  const PackedWeights wb = uploadWeights(
      device,
      ops::packConvWeights(std::vector<float>(size_t(outC) * inC, product), outC, inC, 1, 1),
      std::vector<float>(outC, 0.0f), outC, ops::Precision::Fp32);
  vk::Buffer yb = uploadTensor(device, std::vector<float>(deviceCount(batch, outC, 1), kSentinel),
                               ops::Precision::Fp32);
  runDispatches(
      device, {ops::conv2dDispatch(device.kernels(), device.info(), tensorRef(xb, batch, inC, 1, 1),
                                   ops::validGeometry(1, 1, 1), wb.weights, wb.bias,
                                   tensorRef(yb, batch, outC, 1, 1),
                                   {ops::Activation::None, 1.0f, nullptr}, variant.tiling)});
  const std::vector<float> y =
      downloadTensor(device, yb, deviceCount(batch, outC, 1), ops::Precision::Fp32);
  for (int n = 0; n < batch; ++n) {
    for (int c = 0; c < outC; ++c) {
      EXPECT_EQ(y[c * deviceCount(batch, 1, 1) + n], 4096.25f) << "image " << n << ", output " << c;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, FullyConnectedTest,
                         testing::ValuesIn(opVariantsWhere([](const OpVariant& v) {
                           return v.precision == ops::Precision::Fp32;
                         })),
                         [](const testing::TestParamInfo<OpVariant>& info) {
                           return info.param.id;
                         });

}  // namespace
}  // namespace vkc::test
