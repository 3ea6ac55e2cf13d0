#include "io/detweights.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>

#include "vkception/error.hpp"

namespace vkc::io {
namespace {

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Self-check values from tests/golden/README.md section 2.
TEST(DetweightsTest, Fnv1a64MatchesReadme) {
  EXPECT_EQ(fnv1a64(""), 14695981039346656037ull);
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("input"), 2214555572463777371ull);
  EXPECT_EQ(fnv1a64("input"), 0x1ebbae8f5810b65bull);
  EXPECT_EQ(fnv1a64("features.0.conv.weight"), 0xc315b3946d6c2e4eull);
  EXPECT_EQ(fnv1a64("conv2d_1a.conv.weight"), 0xd94fa0b804c55802ull);
}

TEST(DetweightsTest, SplitmixBitsMatchReadme) {
  const uint64_t seed = fnv1a64("input");
  const uint64_t z[4] = {0x190a9f76a9bd8bf6ull, 0x25c12863d0b8abebull, 0x92f732caa1d8e699ull,
                         0xda4c5ec8b35d6537ull};
  const uint64_t top24[4] = {1641119, 2474280, 9631538, 14306398};
  for (uint64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(detweightsBits(seed, i), z[i]) << i;
    EXPECT_EQ(detweightsBits(seed, i) >> 40, top24[i]) << i;
  }
}

TEST(DetweightsTest, UnitValuesMatchReadme) {
  const double u[4] = {-0.8043633699417114, -0.705042839050293, 0.14816880226135254,
                       0.7054555416107178};
  for (uint64_t i = 0; i < 4; ++i)
    EXPECT_EQ(detweightsUnit("input", i), u[i]) << i;
  // u is a multiple of 2^-23 in [-1, 1).
  for (uint64_t i = 0; i < 1000; ++i) {
    const double v = detweightsUnit("some.tensor", i);
    ASSERT_GE(v, -1.0);
    ASSERT_LT(v, 1.0);
    ASSERT_EQ(v * 8388608.0, std::floor(v * 8388608.0));
  }
}

TEST(DetweightsTest, InputMatchesReadme) {
  const std::vector<float> input = detweightsInput({2, 3, 299, 299});
  ASSERT_EQ(input.size(), 536406u);
  EXPECT_EQ(input[0], -0.8043633699417114f);
  EXPECT_EQ(input[3], 0.7054555416107178f);
  EXPECT_EQ(input[536405], -0.89663947f);
  EXPECT_EQ(static_cast<double>(input[536405]), detweightsUnit("input", 536405));
}

struct FirstFour {
  const char* name;
  std::vector<int64_t> shape;
  uint32_t bits[4];
  float values[4];
};

TEST(DetweightsTest, FirstFourValuesMatchReadmeBitForBit) {
  const std::vector<FirstFour> table = {
      {"features.0.conv.weight",
       {32, 3, 3, 3},
       {0x3e3713e4, 0x3b06e8fb, 0x3dcf2168, 0xbe3819b7},
       {0.17878681421279907f, 0.0020585644524544477f, 0.10113793611526489f, -0.1797855943441391f}},
      {"features.0.bn.running_var",
       {32},
       {0x3f6ab5fc, 0x3f8849dd, 0x3fb88ef4, 0x3fb848b5},
       {0.9168393611907959f, 1.0647541284561157f, 1.4418625831604004f, 1.4397188425064087f}},
      {"features.0.bn.bias",
       {32},
       {0x3bdb23cd, 0x3c808bb3, 0xbd87f9c5, 0xbcedff9a},
       {0.006687617395073175f, 0.015691613778471947f, -0.0663943663239479f, -0.02905254438519478f}},
      {"last_linear.weight",
       {1000, 1536},
       {0x3cce9570, 0xbc8dbd70, 0x3d20b38e, 0xbd66cfd8},
       {0.02521774172782898f, -0.017302244901657104f, 0.0392337366938591f, -0.05635055899620056f}},
      {"conv2d_1a.conv.weight",
       {32, 3, 3, 3},
       {0x3d8fbdf4, 0xbe3e8224, 0x3ead8820, 0x3e9b46a0},
       {0.07018652558326721f, -0.18604332208633423f, 0.3389291763305664f, 0.30327320098876953f}},
      {"conv2d_1a.bn.running_var",
       {32},
       {0x3f2dd65e, 0x3f3b7e17, 0x3f9f7c1a, 0x3f8f458c},
       {0.6790522336959839f, 0.7323927283287048f, 1.2459747791290283f, 1.119309902191162f}},
      {"conv2d_1a.bn.bias",
       {32},
       {0xb80d999a, 0x3c993da0, 0x3ca95526, 0x3d93510d},
       {-3.376007225597277e-05f, 0.018706142902374268f, 0.020670484751462936f,
        0.07193193584680557f}},
      {"classif.weight",
       {1000, 1536},
       {0x3ca60f20, 0x3d5676e4, 0x3c4f1960, 0x3cc2632c},
       {0.020270884037017822f, 0.05235947668552399f, 0.012640327215194702f, 0.023728929460048676f}},
      {"logits.weight",
       {1000, 512},
       {0xba68f0c7, 0xbc88dfb6, 0xbda10232, 0x3d5f7603},
       {-0.0008885976276360452f, -0.016708236187696457f, -0.07861746847629547f,
        0.05455590412020683f}},
      {"Conv2d_1a_3x3.conv.weight",
       {32, 3, 3, 3},
       {0xbe1ba1d0, 0xbda96a83, 0x3e429b26, 0xbe3c6754},
       {-0.15198445320129395f, -0.08272268623113632f, 0.19004496932029724f, -0.18398791551589966f}},
      {"Conv2d_1a_3x3.bn.running_var",
       {32},
       {0x3f901a87, 0x3f8158ca, 0x3f0b351b, 0x3f0dcb3e},
       {1.1258095502853394f, 1.0105221271514893f, 0.5437790751457214f, 0.5538824796676636f}},
      {"fc.weight",
       {1000, 2048},
       {0xbad9dc41, 0x3cfa2ca3, 0xbd245917, 0xbcfa794e},
       {-0.0016621426912024617f, 0.030538862571120262f, -0.04012402519583702f,
        -0.030575420707464218f}},
  };
  for (const FirstFour& row : table) {
    SCOPED_TRACE(row.name);
    const std::vector<float> values = detweightsTensor(row.name, row.shape);
    size_t numel = 1;
    for (int64_t d : row.shape)
      numel *= static_cast<size_t>(d);
    ASSERT_EQ(values.size(), numel);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(bitsOf(values[i]), row.bits[i]) << "element " << i;
      EXPECT_EQ(values[i], row.values[i]) << "element " << i;
    }
  }
}

TEST(DetweightsTest, ScaleRulesGiveTheDocumentedRanges) {
  auto range = [](const std::vector<float>& v) {
    return std::make_pair(*std::min_element(v.begin(), v.end()),
                          *std::max_element(v.begin(), v.end()));
  };
  auto [lo, hi] = range(detweightsTensor("a.bn.running_var", {4096}));
  EXPECT_GE(lo, 0.5f);
  EXPECT_LT(hi, 1.5f);
  std::tie(lo, hi) = range(detweightsTensor("a.bn.running_mean", {4096}));
  EXPECT_GE(lo, -0.1f);
  EXPECT_LT(hi, 0.1f);
  std::tie(lo, hi) = range(detweightsTensor("a.bn.weight", {4096}));  // BN gamma
  EXPECT_GE(lo, 0.5f);
  EXPECT_LT(hi, 1.5f);
  std::tie(lo, hi) = range(detweightsTensor("a.conv2d.bias", {4096}));
  EXPECT_GE(lo, -0.1f);
  EXPECT_LT(hi, 0.1f);

  // He-uniform: the bound is sqrt(6 / fan_in) with fan_in = in * kh * kw.
  const std::vector<float> conv = detweightsTensor("a.conv.weight", {8, 16, 3, 3});
  std::tie(lo, hi) = range(conv);
  const float bound = static_cast<float>(std::sqrt(6.0 / 144.0));
  EXPECT_GE(lo, -bound);
  EXPECT_LT(hi, bound);
  EXPECT_GT(hi, 0.9f * bound);
  EXPECT_EQ(conv[5], static_cast<float>(detweightsUnit("a.conv.weight", 5) * std::sqrt(6.0 / 144)));

  // Rank decides between "1-D" and "weight" for the same name.
  EXPECT_NE(detweightsTensor("x.weight", {4})[0], detweightsTensor("x.weight", {4, 1})[0]);
}

TEST(DetweightsTest, NumBatchesTrackedIsZeroAndBadShapesThrow) {
  EXPECT_EQ(detweightsTensor("bn.num_batches_tracked", {}), std::vector<float>{0.0f});
  EXPECT_THROW(detweightsTensor("a.weight", {}), Error);
  EXPECT_THROW(detweightsTensor("a.weight", {4, -1}), Error);
  EXPECT_THROW(detweightsInput({-2}), Error);
  EXPECT_TRUE(detweightsTensor("a.weight", {0, 3}).empty());
}

}  // namespace
}  // namespace vkc::io
