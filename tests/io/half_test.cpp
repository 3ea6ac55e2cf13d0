// The host's fp32 <-> fp16 conversions (fp16 safetensors; inputs, outputs and weights of fp16
// programs).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "io/half.hpp"

namespace vkc::test {
namespace {

TEST(HalfConversion, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = io::halfToFloat(uint16_t(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(io::halfToFloat(io::floatToHalf(f)))) << h;
    } else {
      EXPECT_EQ(io::floatToHalf(f), h) << h;
    }
  }
}

TEST(HalfConversion, KnownValues) {
  EXPECT_EQ(io::floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(io::floatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(io::floatToHalf(65504.0f), 0x7bff);       // largest half
  EXPECT_EQ(io::floatToHalf(65520.0f), 0x7c00);       // halfway to 65536 rounds to even: infinity
  EXPECT_EQ(io::floatToHalf(5.9604645e-8f), 0x0001);  // smallest subnormal
  EXPECT_EQ(io::floatToHalf(2.9802322e-8f), 0x0000);  // half of it: ties to even, zero
  EXPECT_EQ(io::floatToHalf(1.0f + 1.0f / 2048), 0x3c00);  // tie between 1 and 1+2^-10: even
  EXPECT_EQ(io::floatToHalf(1.0f + 3.0f / 2048), 0x3c02);  // tie: rounds up to even
}

// Any float converts to the nearest half (ties: even), checked against both neighbours.
TEST(HalfConversion, RandomFloatsRoundToNearest) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> exponent(-26.0f, 16.0f), sign(-1.0f, 1.0f);
  for (int i = 0; i < 200000; ++i) {
    const float f = std::copysign(std::exp2(exponent(rng)), sign(rng));
    const uint16_t h = io::floatToHalf(f);
    if ((h & 0x7fff) == 0x7c00) {  // infinity: only from at least halfway past 65504
      EXPECT_GE(std::fabs(f), 65520.0f);
      continue;
    }
    const double err = std::fabs(double(f) - io::halfToFloat(h));
    for (int step : {-1, 1}) {
      const uint16_t neighbour = uint16_t(h + step);
      if ((neighbour & 0x7c00) == 0x7c00 || (neighbour ^ h) & 0x8000) continue;  // inf/NaN/sign
      EXPECT_LE(err, std::fabs(double(f) - io::halfToFloat(neighbour))) << f;
    }
  }
}

}  // namespace
}  // namespace vkc::test
