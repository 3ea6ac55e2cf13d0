// The four networks at 299x299 batch 32 on the device read at the Vulkan 1.1 minimum limits
// (ContextOptions::minimumLimits): 65536 texels per view (storage reads for the large ones),
// 128 MiB per binding (the batch runs in chunks), 4 storage buffers per stage, 65535 workgroups
// (folded grids), 256-byte alignments. Every image of the batch is one of the goldens' two, image
// i being golden image bit i of kImageOrder: for every chunk size from 4 to 31 images (asserted)
// the images of each chunk, the last partial one
// included, differ in order from those at every other chunk's offset, so a chunk that reads or
// writes at another chunk's offset shows in its logits (the goldens' two rows differ by 0.75 to
// 1.34, far above the bound). Checked exhaustively when the constant was chosen.
#include <gtest/gtest.h>

#include <cstring>

#include "io/detweights.hpp"
#include "support/golden.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

constexpr uint32_t kImageOrder = 0xa195d36c;  // 16 of each, LSB first: 0011011011001011...
int goldenImageOf(int i) {
  return int((kImageOrder >> i) & 1);
}

class MinimumLimitsTest : public testing::TestWithParam<std::string> {};

TEST_P(MinimumLimitsTest, Batch32MatchesGoldens) {
  const std::string& name = GetParam();
  ContextOptions options;
  options.validation = true;
  options.minimumLimits = true;
  Context context(options);
  Network net = Network::load(context, name, NetworkOptions{});  // detweights, as the goldens
  const int batch = 32;
  const size_t imageSize = size_t(3) * 299 * 299;
  const std::vector<float> goldenInput = io::detweightsInput({2, 3, 299, 299});
  std::vector<float> input(batch * imageSize);
  for (int i = 0; i < batch; ++i) {
    std::memcpy(input.data() + i * imageSize, goldenInput.data() + goldenImageOf(i) * imageSize,
                imageSize * sizeof(float));
  }
  const std::vector<float> logits = net.run(input.data(), batch);
  const NetworkStats stats = net.stats(batch);
  EXPECT_GT(stats.submits, 1) << "the largest tensor of 32 images is over 128 MiB: chunked";
  EXPECT_GE(stats.batch, 4) << "kImageOrder tells apart chunks of 4 to 31 images only";

  const std::vector<double> golden = readF64(goldenDir(name) + "/logits.f64");
  const size_t classes = golden.size() / 2;
  ASSERT_EQ(logits.size(), size_t(batch) * classes);
  std::vector<double> want(logits.size());
  for (int i = 0; i < batch; ++i) {
    std::copy_n(golden.begin() + goldenImageOf(i) * classes, classes, want.begin() + i * classes);
  }
  const TensorError error = compareTensors(want, logits);
  std::printf("[ minimum limits ] %s batch 32 in %d chunks of %d: %s\n", name.c_str(),
              stats.submits, stats.batch, describe(error).c_str());
  // Within kFp32LogitBound (support/golden.hpp says why); the message names the worst element,
  // whose index / classes is the image.
  EXPECT_TRUE(withinRelative(error, kFp32LogitBound));
}

INSTANTIATE_TEST_SUITE_P(Models, MinimumLimitsTest,
                         testing::Values("inception_v4", "inception_resnet_v2",
                                         "inception_resnet_v1", "inception_v3"));

}  // namespace
}  // namespace vkc::test
