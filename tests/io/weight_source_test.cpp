#include "io/weight_source.hpp"

#include <gtest/gtest.h>

#include "io/detweights.hpp"
#include "io/io_test_util.hpp"
#include "io/safetensors.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

using testutil::expectError;
using testutil::TempDir;

TEST(IoWeightSourceTest, SafetensorsSourceReadsByNameAndChecksShape) {
  TempDir dir;
  const std::string path = dir.file("w.safetensors");
  writeSafetensorsF32(path, {{"conv.weight", {2, 3}, {1, 2, 3, 4, 5, 6}}, {"bias", {2}, {7, 8}}},
                      {{"arch", "test"}});
  const std::unique_ptr<WeightSource> source = openSafetensorsWeights(path);
  EXPECT_EQ(source->describe(), path);
  EXPECT_TRUE(source->has("bias"));
  EXPECT_FALSE(source->has("nope"));
  EXPECT_EQ(source->shape("conv.weight"), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(source->shape("nope"), std::nullopt);
  EXPECT_EQ(source->names(), (std::vector<std::string>{"conv.weight", "bias"}));
  EXPECT_EQ(source->metadata().at("arch"), "test");
  EXPECT_EQ(source->read("bias", {2}), (std::vector<float>{7, 8}));

  expectError(
      [&] {
        source->read("conv.weight", {3, 2});
      },
      {path, "'conv.weight'", "[2, 3]", "[3, 2]"});
  expectError([&] { source->read("conv.weight", {6}); }, {"[2, 3]", "[6]"});
  expectError([&] { source->read("nope", {1}); }, {path, "'nope'"});
}

TEST(IoWeightSourceTest, OpeningAMissingFileFails) {
  TempDir dir;
  const std::string path = dir.file("missing.safetensors");
  expectError([&] { openSafetensorsWeights(path); }, {path, "cannot open"});
}

TEST(IoWeightSourceTest, DetWeightsProduceAnyTensor) {
  const std::unique_ptr<WeightSource> source = makeDetWeights();
  EXPECT_EQ(source->describe(), "detweights");
  EXPECT_TRUE(source->has("anything.at.all"));
  EXPECT_EQ(source->shape("conv.weight"), std::nullopt);
  EXPECT_TRUE(source->names().empty());
  EXPECT_TRUE(source->metadata().empty());
  EXPECT_EQ(source->read("features.0.conv.weight", {32, 3, 3, 3}),
            detweightsTensor("features.0.conv.weight", {32, 3, 3, 3}));
  EXPECT_EQ(source->read("x.bn.num_batches_tracked", {}), std::vector<float>{0.0f});
}

}  // namespace
}  // namespace vkc::io
