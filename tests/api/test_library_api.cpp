// What a library user gets without the apps: the device list, error codes, the model's
// preprocessing and labels, classifyFile as vkc-classify computes it, run into a caller's buffer.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>

#include "vkception/vkception.hpp"

namespace vkc {
namespace {

const std::string kAssets = VKC_ASSETS_DIR;

class LibraryApiTest : public testing::Test {
 protected:
  void SetUp() override {
    ContextOptions options;
    options.validation = true;
    context_ = std::make_unique<Context>(options);
    NetworkOptions networkOptions;
    networkOptions.weights = kAssets + "/fashion_mnist_irv2.safetensors";
    net_ =
        std::make_unique<Network>(Network::load(*context_, "inception_resnet_v2", networkOptions));
  }
  void TearDown() override {
    EXPECT_EQ(context_->validationMessageCount(), 0) << context_->lastValidationMessage();
  }
  std::unique_ptr<Context> context_;
  std::unique_ptr<Network> net_;
};

ErrorCode codeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Unknown;  // nothing thrown: never the code a test expects
}

TEST_F(LibraryApiTest, DeviceListHasOneDefaultAndItIsTheContextsDevice) {
  const std::vector<DeviceDescription> all = devices();
  ASSERT_FALSE(all.empty());
  int defaults = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].index, int(i));
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_FALSE(all[i].vendor.empty());
    EXPECT_GT(all[i].memoryBytes, 0u);
    if (all[i].isDefault) {
      ++defaults;
      EXPECT_EQ(all[i].name, context_->device().name);
      EXPECT_EQ(all[i].fp16, context_->device().fp16);
    }
  }
  EXPECT_EQ(defaults, 1);
}

TEST_F(LibraryApiTest, PreprocessingAndLabelsComeFromTheWeightsMetadata) {
  const Preprocessing& pre = net_->preprocessing();
  EXPECT_EQ(pre.inputSize, 75);
  EXPECT_EQ(pre.cropMode, "squash");  // vkception.resize = bilinear
  EXPECT_EQ(pre.interpolation, "bilinear");
  EXPECT_FLOAT_EQ(pre.mean[0], 0.285996f);
  EXPECT_FLOAT_EQ(pre.std[2], 0.338586f);
  ASSERT_EQ(net_->labels().size(), 10u);
  EXPECT_EQ(net_->labels()[1], "Trouser");

  // Detweights for a timm model: timm's own defaults and ImageNet's class names.
  NetworkOptions small;
  small.inputSize = 75;
  Network v3 = Network::load(*context_, "inception_v3", small);
  EXPECT_EQ(v3.preprocessing().cropMode, "center");
  EXPECT_DOUBLE_EQ(v3.preprocessing().cropFraction, 0.875);
  EXPECT_EQ(v3.preprocessing().interpolation, "bicubic");
  EXPECT_EQ(v3.labels().size(), 1000u);
}

TEST_F(LibraryApiTest, ClassifyFileIsPreprocessRunAndRank) {
  const std::string path = kAssets + "/samples/01_trouser.png";
  const std::vector<Prediction> top = net_->classifyFile(path, 3);
  ASSERT_EQ(top.size(), 3u);
  // The same steps by hand.
  std::vector<uint8_t> pixels = net_->preprocess(loadImage(path), path);
  ASSERT_EQ(pixels.size(), size_t(75) * 75 * 3);
  std::vector<float> logits = net_->runImages(pixels.data(), 1);
  const std::vector<Prediction> byHand = topPredictions(logits.data(), 10, 3, net_->labels());
  for (size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(top[i].classIndex, byHand[i].classIndex);
    EXPECT_EQ(top[i].probability, byHand[i].probability);  // same arithmetic: identical
    EXPECT_EQ(top[i].label, net_->labels()[top[i].classIndex]);
  }
  EXPECT_GE(top[0].probability, top[1].probability);
  EXPECT_EQ(top[0].label, "Trouser");  // the bundled model gets every sample right
}

TEST_F(LibraryApiTest, RunIntoACallersBufferEqualsTheReturnedVector) {
  const std::vector<float> input = testInput(2, 75);
  const std::vector<float> returned = net_->run(input.data(), 2);
  std::vector<float> buffer(20, std::nanf(""));
  net_->run(input.data(), 2, buffer.data());
  EXPECT_EQ(buffer, returned);
}

TEST_F(LibraryApiTest, ErrorsSayWhatKindOfFailure) {
  EXPECT_EQ(codeOf([&] { net_->run(testInput(1, 75).data(), 0); }), ErrorCode::BadArgument);
  EXPECT_EQ(codeOf([&] { Network::load(*context_, "inception_v5"); }), ErrorCode::BadArgument);
  EXPECT_EQ(codeOf([&] { Network::load(*context_, "inception_v4", {"/nonexistent.safetensors"}); }),
            ErrorCode::BadInputFile);
  EXPECT_EQ(codeOf([&] { net_->classifyFile(kAssets + "/fashion_mnist_labels.txt"); }),
            ErrorCode::BadInputFile);
  EXPECT_EQ(codeOf([&] { net_->classifyFile(kAssets + "/samples/01_trouser.png", 0); }),
            ErrorCode::BadArgument);
  ContextOptions noDevice;
  noDevice.device = 99;
  EXPECT_EQ(codeOf([&] { Context c(noDevice); }), ErrorCode::BadArgument);
}

TEST_F(LibraryApiTest, WeightsFromMemoryGiveTheSameLogits) {
  std::ifstream in(kAssets + "/fashion_mnist_irv2.safetensors", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  NetworkOptions options;
  options.labels = kAssets + "/fashion_mnist_labels.txt";
  Network fromMemory =
      Network::load(*context_, "inception_resnet_v2", bytes.data(), bytes.size(), options);
  const std::vector<float> input = testInput(1, 75);
  EXPECT_EQ(fromMemory.run(input.data(), 1), net_->run(input.data(), 1));
  EXPECT_EQ(fromMemory.labels(), net_->labels());
  EXPECT_EQ(codeOf([&] { Network::load(*context_, "inception_resnet_v2", bytes.data(), 100); }),
            ErrorCode::BadInputFile);
}

}  // namespace
}  // namespace vkc
