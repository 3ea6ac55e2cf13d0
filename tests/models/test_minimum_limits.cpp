// The four networks at 299x299 batch 32 on the device read at the Vulkan 1.1 minimum limits
// (ContextOptions::minimumLimits): 65536 texels per view (storage reads for the large ones),
// 128 MiB per binding (the batch runs in chunks), 4 storage buffers per stage, 65535 workgroups
// (folded grids), 256-byte alignments. The first two images are the goldens' batch-2 input, so
// their logits must match the float64 reference as in the golden tests.
#include <gtest/gtest.h>

#include "io/detweights.hpp"
#include "support/golden.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

class MinimumLimitsTest : public testing::TestWithParam<std::string> {};

TEST_P(MinimumLimitsTest, Batch32MatchesGoldens) {
  const std::string& name = GetParam();
  ContextOptions options;
  options.validation = true;
  options.minimumLimits = true;
  Context context(options);
  Network net = Network::load(context, name, NetworkOptions{});  // detweights, as the goldens
  const int batch = 32;
  const std::vector<float> input = io::detweightsInput({batch, 3, 299, 299});
  const std::vector<float> logits = net.run(input.data(), batch);
  const NetworkStats stats = net.stats(batch);
  EXPECT_GT(stats.submits, 1) << "the largest tensor of 32 images is over 128 MiB: chunked";
  const std::vector<double> golden = readF64(goldenDir(name) + "/logits.f64");
  ASSERT_EQ(logits.size(), size_t(batch) * net.numClasses());
  const std::vector<float> firstTwo(logits.begin(), logits.begin() + golden.size());
  const auto [maxErr, maxGolden] = compareToGolden(golden, firstTwo);
  // The goldens' bound, 1e-4 of the largest logit (tests/models/test_golden.cpp).
  std::printf("[ minimum limits ] %s batch 32 in %d submits: max |err| %.3g of %.1f\n",
              name.c_str(), stats.submits, maxErr, maxGolden);
  EXPECT_LE(maxErr, 1e-4 * maxGolden);
}

INSTANTIATE_TEST_SUITE_P(Models, MinimumLimitsTest,
                         testing::Values("inception_v4", "inception_resnet_v2",
                                         "inception_resnet_v1", "inception_v3"));

}  // namespace
}  // namespace vkc::test
