// ModelConfig::readWeightsWhenPacked (what Network::load uses): each convolution's weights are
// read and batch-norm scaled only when graph::WeightStore packs the layer. They must be the very
// floats the eager build folds (same double-precision scale, same rounding), and the biases too.
#include <gtest/gtest.h>

#include <cstring>

#include "io/detweights.hpp"
#include "models/models.hpp"

namespace vkc::test {
namespace {

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

class ReadWhenPackedTest : public testing::TestWithParam<std::string> {};

TEST_P(ReadWhenPackedTest, GivesTheEagerBuildsFoldedWeights) {
  auto source = io::makeDetWeights();
  models::ModelConfig config;
  config.inputSize = 75;
  const models::Model eager = models::buildModel(GetParam(), *source, config);
  config.readWeightsWhenPacked = true;
  const models::Model later = models::buildModel(GetParam(), *source, config);
  ASSERT_EQ(eager.graph.weights.size(), later.graph.weights.size());
  int deferred = 0;
  for (size_t i = 0; i < eager.graph.weights.size(); ++i) {
    const graph::ConvWeights& e = eager.graph.weights[i];
    const graph::ConvWeights& l = later.graph.weights[i];
    EXPECT_FALSE(e.readLater) << e.name;
    EXPECT_TRUE(sameBits(e.bias, l.bias)) << e.name;
    if (!l.readLater) {  // made by the model itself (IR-v1's last_bn), not read
      EXPECT_TRUE(sameBits(e.weights, l.weights)) << e.name;
      continue;
    }
    ++deferred;
    EXPECT_TRUE(l.weights.empty()) << e.name;
    EXPECT_TRUE(sameBits(e.weights, l.readLater())) << e.name;
  }
  // Every layer read from the source is deferred: all but IR-v1's last_bn.
  EXPECT_GE(deferred, int(eager.graph.weights.size()) - 1);
}

INSTANTIATE_TEST_SUITE_P(Models, ReadWhenPackedTest,
                         testing::Values("inception_v4", "inception_resnet_v2",
                                         "inception_resnet_v1", "inception_v3"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace vkc::test
