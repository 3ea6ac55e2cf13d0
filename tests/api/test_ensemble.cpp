// vkc::Ensemble and the multi-crop protocol on the bundled Fashion-MNIST members: the GPU's mean
// over crops and over members against the host's mean of the same probabilities run alone,
// and the one-member, one-crop path against Network::runImages.
#include <gtest/gtest.h>

#include <cmath>

#include "vkception/crops.hpp"
#include "vkception/ensemble.hpp"

namespace vkc::test {
namespace {

constexpr double kUnit = 0x1p-24;  // fp32 unit roundoff

std::string asset(const std::string& name) {
  return std::string(VKC_ASSETS_DIR) + "/" + name;
}

class EnsembleTest : public testing::Test {
 protected:
  void SetUp() override {
    ContextOptions options;
    options.validation = true;
    context_ = std::make_unique<Context>(options);
    for (auto [model, file] : {std::pair{"inception_resnet_v2", "fashion_mnist_irv2.safetensors"},
                               {"inception_v4", "fashion_mnist_v4.safetensors"},
                               {"inception_resnet_v1", "fashion_mnist_irv1.safetensors"}}) {
      nets_.push_back(Network::load(*context_, model, {asset(file)}));
    }
  }
  void TearDown() override {
    EXPECT_EQ(context_->validationMessageCount(), 0) << context_->lastValidationMessage();
  }
  // The crops of the first `images` samples under `protocol`, one image after the other.
  std::vector<uint8_t> sampleCrops(const CropProtocol& protocol, int images) const {
    const char* names[] = {"00_tshirt_top.png", "04_coat.png", "06_shirt.png", "09_ankle_boot.png"};
    std::vector<uint8_t> pixels;
    for (int i = 0; i < images; ++i) {
      std::vector<uint8_t> c = makeCrops(loadImage(asset(std::string("samples/") + names[i])),
                                         nets_[0].preprocessing(), protocol);
      pixels.insert(pixels.end(), c.begin(), c.end());
    }
    return pixels;
  }
  std::unique_ptr<Context> context_;
  std::vector<Network> nets_;
};

TEST_F(EnsembleTest, GpuMeanOverCropsIsTheMeanOfTheCropsRunAlone) {
  const int images = 3;
  const CropProtocol protocol = cropProtocol(12, nets_[0].inputSize());
  const int crops = protocol.cropsPerImage();
  ASSERT_EQ(crops, 12);
  const std::vector<uint8_t> pixels = sampleCrops(protocol, images);
  // Every crop as an image of its own, in a program of the same batch (images x crops rows),
  // so that each crop's probabilities are the very ones the averaging program sees.
  Ensemble single({{&nets_[0], 1.0f}}, 1);
  const std::vector<float> each = single.runImages(pixels.data(), images * crops);
  Ensemble averaged({{&nets_[0], 1.0f}}, crops);
  const std::vector<float> mean = averaged.runImages(pixels.data(), images);
  const int classes = averaged.numClasses();
  ASSERT_EQ(mean.size(), size_t(images) * classes);
  double worst = 0;
  for (int i = 0; i < images; ++i) {
    for (int c = 0; c < classes; ++c) {
      double host = 0;
      for (int k = 0; k < crops; ++k)
        host += each[(size_t(i) * crops + k) * classes + c];
      host /= crops;
      // crops - 1 fp32 additions of non-negative terms ((crops - 1) u of their sum), the
      // division by crops (u): at most crops x u of the mean; one more u for margin.
      const double bound = (crops + 1) * kUnit * host;
      const double error = std::fabs(mean[size_t(i) * classes + c] - host);
      EXPECT_LE(error, bound) << "image " << i << " class " << c;
      if (host > 0) worst = std::max(worst, error / (kUnit * host));
    }
  }
  std::printf("worst error: %.2f u of the mean (bound %d u)\n", worst, crops + 1);
  // The crops differ (else the mean would not be tested): the first image's 12 rows are not equal.
  EXPECT_NE(each[0], each[size_t(5) * classes]);
}

TEST_F(EnsembleTest, WeightedMeanOverMembersIsTheMeanOfTheMembersRunAlone) {
  const int images = 4;
  const std::vector<uint8_t> pixels = sampleCrops(cropProtocol(1, 75), images);
  const float weights[] = {2.0f, 1.0f, 1.0f};
  std::vector<EnsembleMember> members;
  std::vector<std::vector<float>> alone;
  for (size_t m = 0; m < nets_.size(); ++m) {
    members.push_back({&nets_[m], weights[m]});
    Ensemble one({{&nets_[m], 1.0f}}, 1);
    alone.push_back(one.runImages(pixels.data(), images));
  }
  Ensemble ensemble(members, 1);
  const std::vector<float> mixed = ensemble.runImages(pixels.data(), images);
  const int classes = ensemble.numClasses();
  double worst = 0;
  for (int i = 0; i < images; ++i) {
    for (int c = 0; c < classes; ++c) {
      double host = 0;
      for (size_t m = 0; m < alone.size(); ++m)
        host += weights[m] / 4.0 * alone[m][size_t(i) * classes + c];
      // Each member's weight (w / sum, rounded: u) times its probability (u), summed over 3
      // members (2 u): 4 u of the weighted mean; one more u for margin.
      const double bound = 5 * kUnit * host;
      const double error = std::fabs(mixed[size_t(i) * classes + c] - host);
      EXPECT_LE(error, bound) << "image " << i << " class " << c;
      if (host > 0) worst = std::max(worst, error / (kUnit * host));
    }
  }
  std::printf("worst error: %.2f u of the mean (bound 5 u)\n", worst);
  // The members disagree (else the mean would not be tested).
  EXPECT_GT(std::fabs(alone[0][classes * 2 + 6] - alone[1][classes * 2 + 6]), 1e-4);
}

TEST_F(EnsembleTest, OneMemberOneCropIsTheNetworksSoftmax) {
  const int images = 4;
  const std::vector<uint8_t> pixels = sampleCrops(cropProtocol(1, 75), images);
  const std::vector<float> logits = nets_[1].runImages(pixels.data(), images);
  Ensemble one({{&nets_[1], 1.0f}}, 1);
  const std::vector<float> probs = one.runImages(pixels.data(), images);
  const int classes = one.numClasses();
  for (int i = 0; i < images; ++i) {
    double top = -1e30, sum = 0;
    for (int c = 0; c < classes; ++c)
      top = std::max(top, double(logits[i * classes + c]));
    for (int c = 0; c < classes; ++c)
      sum += std::exp(logits[i * classes + c] - top);
    for (int c = 0; c < classes; ++c) {
      const double host = std::exp(logits[i * classes + c] - top) / sum;
      // The shader's exp: GLSL allows (3 + 2|x|) ulp, |x| < 30 here: 64 ulp of 1.0 = 4e-6.
      EXPECT_NEAR(probs[i * classes + c], host, 4e-6) << "image " << i << " class " << c;
    }
  }
}

TEST_F(EnsembleTest, BadArgumentsAreErrors) {
  EXPECT_THROW(Ensemble({}, 1), Error);
  EXPECT_THROW(Ensemble({{nullptr, 1.0f}}, 1), Error);
  EXPECT_THROW(Ensemble({{&nets_[0], 1.0f}}, 0), Error);
  EXPECT_THROW(Ensemble({{&nets_[0], -1.0f}}, 1), Error);
  EXPECT_THROW(Ensemble({{&nets_[0], NAN}}, 1), Error);
  EXPECT_THROW(Ensemble(std::vector<EnsembleMember>(17, {&nets_[0], 1.0f}), 1), Error);
  Ensemble ok({{&nets_[0], 1.0f}}, 1);
  std::vector<uint8_t> pixels(3 * 75 * 75);
  EXPECT_THROW(ok.runImages(nullptr, 1), Error);
  EXPECT_THROW(ok.runImages(pixels.data(), 0), Error);
  EXPECT_THROW(cropProtocol(7, 75), Error);
  CropProtocol tooSmall;
  tooSmall.scales = {50};  // below the 75 input
  EXPECT_THROW(cropBoxes(28, 28, 75, tooSmall), Error);
  tooSmall.scales = {80};
  tooSmall.squares = 2;
  EXPECT_THROW(cropBoxes(28, 28, 75, tooSmall), Error);
}

TEST(CropProtocol, ThePapersScales) {
  EXPECT_EQ(cropProtocol(144, 299).scales, (std::vector<int>{342, 384, 427, 470}));
  EXPECT_EQ(cropProtocol(144, 224).scales, (std::vector<int>{256, 288, 320, 352}));
  EXPECT_EQ(cropProtocol(144, 75).scales, (std::vector<int>{86, 96, 107, 118}));
  EXPECT_EQ(cropProtocol(12, 299).scales, (std::vector<int>{341}));
  EXPECT_EQ(cropProtocol(144, 299).cropsPerImage(), 144);
  EXPECT_EQ(cropProtocol(12, 299).cropsPerImage(), 12);
  EXPECT_EQ(cropProtocol(1, 299).cropsPerImage(), 1);
}

}  // namespace
}  // namespace vkc::test
