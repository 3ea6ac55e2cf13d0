#pragma once
// The convolution op tests' harness (test_conv2d.cpp, test_winograd_conv.cpp): a case, its run
// on the GPU under an op variant against the double-precision CPU reference with the error bound
// of its algorithm, and the case tables (conv_cases.cpp).
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "ops/conv2d.hpp"
#include "ops/winograd.hpp"
#include "selftest/cases.hpp"
#include "support/compare.hpp"
#include "support/op_variants.hpp"
#include "vk/memory.hpp"

namespace vkc::selftest {
// A case by its name in test parameters (gtest finds it by argument-dependent lookup).
void PrintTo(const ConvCase& c, std::ostream* os);
}  // namespace vkc::selftest

namespace vkc::test::conv {

// The self-test's case (src/selftest/cases.hpp): the op tests run its list and their own.
using ConvCase = selftest::ConvCase;
using selftest::geometryOf;

// What an output tensor holds before a run, where nothing may write: exact in fp16 as in fp32.
constexpr float kSentinel = -12288.0f;

enum class Algorithm { Direct, Winograd };

// A layer's packed weights, then its fp32 bias at the next binding alignment, in one buffer, as
// graph::WeightStore packs them: storage-read convolutions bind both as one range.
struct PackedWeights {
  vk::Buffer buffer;
  vk::BufferSlice weights, bias;
};
PackedWeights uploadWeights(vk::Device& device, const std::vector<float>& packed,
                            const std::vector<float>& bias, int outC, ops::Precision precision);

// The plans the library takes for a variant's kernels (graph::winogradLimitsFor; the variants
// keep no live-float bound).
inline const ops::WinogradLimits kAtOnceWinogradLimits{0, true};
ops::WinogradLimits winogradLimitsOf(const OpVariant& variant);
// The Winograd plan of a case's layer.
ops::WinogradPlan winogradPlanOf(const ConvCase& tc, const ops::WinogradLimits& limits = {});

struct ConvOutcome {
  Comparison elements;  // per element, against the worst-case bound
  TensorError errors;   // over the op's channel slice
  double rmsScale = 0;  // statisticalErrorScale (direct convolutions; 0 for Winograd)
};

// The case run under `variant` through `algorithm` against the reference: per element within
// the worst-case bound of the algorithm's roundings (a test failure where not), and the errors
// over the output's channel slice.
ConvOutcome runConvCase(const ConvCase& tc, const OpVariant& variant,
                        Algorithm algorithm = Algorithm::Direct);

using ConvVariantCase = std::tuple<ConvCase, OpVariant>;
std::string nameOf(const testing::TestParamInfo<ConvVariantCase>& info);

// Every kernel shape the Inception networks use, odd sizes, strides, paddings, channel slices
// and the residual epilogue.
const std::vector<ConvCase>& convCases();
// The cases of convCases() the library runs through Winograd, and layers of the networks' sizes.
std::vector<ConvCase> winogradCases();
// Those of winogradCases() that the at-once kernels' start runs through Winograd.
std::vector<ConvCase> oneAxisWinogradCases();

}  // namespace vkc::test::conv
