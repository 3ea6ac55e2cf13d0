// The public API on the bundled default model: 8-bit images normalised on the GPU give the same
// logits as host-normalised float input, batches larger than a program are split, and errors
// from bad arguments are vkc::Error.
#include <gtest/gtest.h>

#include <cmath>

#include "api/impl.hpp"
#include "support/golden.hpp"
#include "support/gpu_runner.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

class NetworkApiTest : public testing::Test {
 protected:
  void SetUp() override {
    ContextOptions options;
    options.validation = true;
    context_ = std::make_unique<Context>(options);
    net_ = std::make_unique<Network>(
        Network::load(*context_, "inception_resnet_v2",
                      {std::string(VKC_ASSETS_DIR) + "/fashion_mnist_irv2.safetensors"}));
  }
  void TearDown() override {
    EXPECT_EQ(context_->validationMessageCount(), 0) << context_->lastValidationMessage();
  }
  std::unique_ptr<Context> context_;
  std::unique_ptr<Network> net_;
};

TEST_F(NetworkApiTest, ImagesNormalisedOnTheGpuMatchHostNormalisedFloats) {
  const int batch = 3, size = net_->inputSize();
  ASSERT_EQ(size, 75);  // from the file's metadata
  ASSERT_EQ(net_->numClasses(), 10);
  const size_t plane = size_t(size) * size;
  std::vector<uint8_t> pixels(batch * plane * 3);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t((i * 7919 + i / 97) % 256);
  const std::array<float, 3> mean{0.2f, 0.3f, 0.4f}, stdev{0.25f, 0.5f, 0.3f};
  net_->setImageNormalization(mean, stdev);
  std::vector<float> fromImages = net_->runImages(pixels.data(), batch);

  std::vector<float> input(batch * 3 * plane);
  for (int n = 0; n < batch; ++n)
    for (int c = 0; c < 3; ++c)
      for (size_t i = 0; i < plane; ++i)
        input[(n * 3 + c) * plane + i] =
            (pixels[(n * plane + i) * 3 + c] / 255.0f - mean[c]) / stdev[c];
  std::vector<float> fromFloats = net_->run(input.data(), batch);

  // The GPU multiplies by 1/std where the host divides: inputs differ by an ulp or so, which
  // the network carries through like any fp32 rounding (kFp32LogitBound, support/golden.hpp).
  EXPECT_TRUE(withinRelative(compareTensors(fromFloats, fromImages), kFp32LogitBound));
  // The images differ, so must their logits: each row against the first.
  const std::vector<float> firstRow(fromFloats.begin(), fromFloats.begin() + 10);
  for (int n = 1; n < batch; ++n) {
    const std::vector<float> row(fromFloats.begin() + n * 10, fromFloats.begin() + n * 10 + 10);
    EXPECT_GT(compareTensors(firstRow, row).maxError, 1e-3) << "image " << n;
  }
}

TEST_F(NetworkApiTest, BatchResultsDoNotDependOnBatching) {
  const int size = net_->inputSize();
  auto input = randomVector(size_t(5) * 3 * size * size, 31);
  std::vector<float> all = net_->run(input.data(), 5);
  for (int n = 0; n < 5; ++n) {
    std::vector<float> one = net_->run(input.data() + size_t(n) * 3 * size * size, 1);
    for (int c = 0; c < 10; ++c) {
      // Same arithmetic in the same order for every image: identical results.
      EXPECT_EQ(one[c], all[n * 10 + c]) << "image " << n << " class " << c;
    }
  }
}

TEST_F(NetworkApiTest, BadArgumentsAreErrors) {
  EXPECT_THROW(net_->run(nullptr, 0), Error);
  EXPECT_THROW(net_->setImageNormalization({0, 0, 0}, {1, 0, 1}), Error);
  EXPECT_THROW(Network::load(*context_, "inception_v5", {}), Error);
  EXPECT_THROW(Network::load(*context_, "inception_v4", {"/nonexistent.safetensors"}), Error);
}

}  // namespace
}  // namespace vkc::test
