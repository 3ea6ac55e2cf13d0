// Winograd convolutions (ops/winograd.hpp: input transform, products, output transform) vs. the
// double-precision CPU reference, with the error bound of their three stages' roundings.
#include <gtest/gtest.h>

#include <cstdio>

#include "ops/conv_harness.hpp"
#include "ops/winograd.hpp"
#include "support/op_variants.hpp"

namespace vkc::test {
namespace {

using namespace conv;

class WinogradConvTest : public testing::TestWithParam<ConvVariantCase> {};

// Tolerance per element: 2 * (K + 2 alpha per transformed axis + 4) * 2^-24 times the magnitude
// of the sums each of the three stages rounds (useWinogradErrorScale): the worst case, as for
// direct convolution. fp32 variants only: the library runs fp16 convolutions directly.
TEST_P(WinogradConvTest, MatchesCpuReference) {
  const ConvCase& tc = std::get<0>(GetParam());
  const OpVariant& variant = std::get<1>(GetParam());
  const ops::WinogradPlan plan = winogradPlanOf(tc, winogradLimitsOf(variant));
  ASSERT_TRUE(plan.enabled()) << "no Winograd plan for " << tc.name;
  const Comparison o = runConvCase(tc, variant, Algorithm::Winograd).elements;
  std::printf("[ winograd %s ] %-28s %-20s max |err| %.3g (%.3f of bound)\n", plan.name().c_str(),
              tc.name.c_str(), variant.id.c_str(), o.maxError, o.maxRatio);
}

INSTANTIATE_TEST_SUITE_P(Ops, WinogradConvTest,
                         testing::Combine(testing::ValuesIn(winogradCases()),
                                          testing::ValuesIn(opVariantsWhere([](const OpVariant& v) {
                                            return v.precision == ops::Precision::Fp32 &&
                                                   !v.tiling.atOnce && !v.convKernel;
                                          }))),
                         nameOf);

// The at-once kernels' start takes the one-axis plans with small tiles (F(4,3), F(4,7)), the
// products through the at-once 1x1 blocks; their 2-pixel variant differs in conv2d_at_once only.
INSTANTIATE_TEST_SUITE_P(OpsAtOnce, WinogradConvTest,
                         testing::Combine(testing::ValuesIn(oneAxisWinogradCases()),
                                          testing::ValuesIn(opVariantsWhere([](const OpVariant& v) {
                                            return v.id == "texel_fp32_at_once";
                                          }))),
                         nameOf);

}  // namespace
}  // namespace vkc::test
