// io::resizeBicubic / resizeBilinear (PIL's resampler), resizeShorterSide and centerCrop
// (torchvision's Resize and CenterCrop). The PIL and torchvision comparisons on many sizes run
// from tests/crops (check_crops_pil.py, check_single_crop.py); these pin the rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "io/image.hpp"
#include "io/io_test_util.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

using testutil::makeImage;

uint8_t at(const Image& img, int x, int y, int c) {
  return img.rgb[(static_cast<size_t>(y) * img.width + x) * 3 + c];
}

Image noise(int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  return makeImage(width, height, [&](int, int, int) { return rng() & 0xff; });
}

Image mirrored(const Image& img) {
  return makeImage(img.width, img.height,
                   [&](int x, int y, int c) { return at(img, img.width - 1 - x, y, c); });
}

// The same value in the three channels: a pattern with edges in both directions.
Image pattern(int width, int height) {
  return makeImage(width, height,
                   [](int x, int y, int) { return (x * 37 + y * 91 + (x * y) % 7 * 29) % 256; });
}

std::vector<uint8_t> channel0(const Image& img) {
  std::vector<uint8_t> v;
  for (size_t i = 0; i < img.rgb.size(); i += 3) {
    EXPECT_EQ(img.rgb[i], img.rgb[i + 1]);
    EXPECT_EQ(img.rgb[i], img.rgb[i + 2]);
    v.push_back(img.rgb[i]);
  }
  return v;
}

using Resize = Image (*)(const Image&, int, int);

TEST(ResizeTest, MatchesPilOnAPattern) {
  // PIL 9.4: Image.fromarray(pattern, "L").resize(size, BILINEAR / BICUBIC), row-major.
  const Image small = pattern(7, 5), tiny = pattern(5, 3);
  EXPECT_EQ(channel0(resizeBilinear(small, 4, 3)),
            (std::vector<uint8_t>{65, 111, 123, 200, 105, 123, 133, 138, 69, 117, 113, 167}));
  EXPECT_EQ(channel0(resizeBicubic(small, 4, 3)),
            (std::vector<uint8_t>{63, 113, 118, 208, 106, 123, 137, 136, 63, 117, 113, 170}));
  EXPECT_EQ(channel0(resizeBilinear(tiny, 9, 7)),
            (std::vector<uint8_t>{0,   12,  33,  53,  74,  95,  115, 136, 148, 13,  26,  50,  72,
                                  95,  98,  104, 128, 141, 52,  70,  100, 129, 159, 108, 72,  102,
                                  120, 91,  113, 150, 186, 223, 117, 40,  77,  99,  130, 119, 102,
                                  133, 177, 139, 108, 104, 101, 169, 126, 55,  81,  131, 162, 176,
                                  130, 102, 182, 128, 39,  63,  116, 169, 199, 139, 103}));
  EXPECT_EQ(channel0(resizeBicubic(tiny, 9, 7)),
            (std::vector<uint8_t>{0,   0,   22,  39,  60,  93,  123, 145, 156, 7,   18,  45,  68,
                                  89,  96,  106, 132, 147, 41,  62,  106, 145, 164, 101, 56,  99,
                                  125, 86,  107, 149, 200, 223, 114, 30,  74,  104, 140, 125, 104,
                                  142, 186, 146, 102, 97,  96,  185, 132, 41,  62,  127, 177, 190,
                                  130, 95,  205, 137, 17,  31,  106, 190, 224, 142, 93}));
}

TEST(ResizeTest, BilinearUpscaleIsTheHalfPixelFormula) {
  Image row;
  row.width = 2;
  row.height = 1;
  row.rgb = {0, 0, 10, 100, 200, 30};
  // Source x = (dst + 0.5) / 2 - 0.5, clamped to the image: 0, 0.25, 0.75, 1.
  EXPECT_EQ(resizeBilinear(row, 4, 1).rgb,
            (std::vector<uint8_t>{0, 0, 10, 25, 50, 15, 75, 150, 25, 100, 200, 30}));
  // 2.5 and 7.5 round up, as PIL's fixed point does (torch.round would give 2 and 8).
  row.rgb = {0, 0, 0, 10, 10, 10};
  EXPECT_EQ(resizeBilinear(row, 4, 1).rgb,
            (std::vector<uint8_t>{0, 0, 0, 3, 3, 3, 8, 8, 8, 10, 10, 10}));
}

TEST(ResizeTest, BilinearDownscaleWidensTheTriangle) {
  // 4 -> 2: the triangle spans 2 input pixels each side of the centre (1.0 and 3.0), cut at
  // the edges: weights 3/7, 3/7, 1/7 (0 + 300 + 200) / 7 = 71.4 and 1/7, 3/7, 3/7
  // (100 + 600 + 120) / 7 = 117.1. Two taps (torch's antialias=False) would give 50 and 120.
  const Image row = makeImage(4, 1, [](int x, int, int) {
    return std::vector{0, 100, 200, 40}[x];
  });
  const Image out = resizeBilinear(row, 2, 1);
  EXPECT_EQ(at(out, 0, 0, 0), 71);
  EXPECT_EQ(at(out, 1, 0, 0), 117);
}

TEST(ResizeTest, KeepsConstantImagesAndIdentity) {
  const Image flat = makeImage(17, 13, [](int, int, int c) { return 40 + 90 * c; });
  for (Resize resize : {resizeBicubic, resizeBilinear}) {
    for (auto [w, h] : {std::pair{5, 4}, std::pair{40, 30}, std::pair{17, 1}, std::pair{1, 13}}) {
      const Image out = resize(flat, w, h);
      ASSERT_EQ(out.width, w);
      ASSERT_EQ(out.height, h);
      for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
          for (int c = 0; c < 3; ++c)
            ASSERT_EQ(at(out, x, y, c), 40 + 90 * c) << w << "x" << h;
        }
      }
    }
    const Image img = noise(23, 11, 5);
    EXPECT_EQ(resize(img, 23, 11).rgb, img.rgb);
  }
}

TEST(ResizeTest, IsMirrorSymmetric) {
  const Image img = noise(31, 9, 11);
  for (Resize resize : {resizeBicubic, resizeBilinear}) {
    for (auto [w, h] : {std::pair{12, 5}, std::pair{50, 20}, std::pair{7, 9}}) {
      EXPECT_EQ(resize(mirrored(img), w, h).rgb, mirrored(resize(img, w, h)).rgb) << w << "x" << h;
    }
  }
}

TEST(ResizeTest, KeepsARampMonotone) {
  const Image ramp = makeImage(64, 3, [](int x, int, int) { return x * 4; });
  for (Resize resize : {resizeBicubic, resizeBilinear}) {
    for (int w : {23, 64, 150}) {
      const Image out = resize(ramp, w, 5);
      for (int y = 0; y < out.height; ++y) {
        for (int x = 1; x < w; ++x)
          ASSERT_LE(at(out, x - 1, y, 0), at(out, x, y, 0)) << w;
      }
      EXPECT_LT(at(out, 0, 0, 0), 10);
      EXPECT_GT(at(out, w - 1, 0, 0), 240);
    }
  }
}

TEST(ResizeTest, DownscaleIsAntialiased) {
  // 1-px stripes 0/200 shrunk 6.4x: the widened support spans many stripes, so every output
  // is close to the mean (100); an unwidened kernel would sample single stripes and alias.
  const Image stripes = makeImage(64, 8, [](int x, int, int) { return x % 2 ? 200 : 0; });
  for (Resize resize : {resizeBicubic, resizeBilinear}) {
    const Image out = resize(stripes, 10, 8);
    for (int x = 1; x < 9; ++x)
      EXPECT_NEAR(at(out, x, 4, 0), 100, 3) << x;
  }
}

TEST(ResizeTest, ShorterSideKeepsAspect) {
  const Image wide = noise(40, 20, 1);
  Image out = resizeShorterSide(wide, 10, true);
  EXPECT_EQ(out.width, 20);
  EXPECT_EQ(out.height, 10);
  const Image tall = noise(33, 50, 1);
  out = resizeShorterSide(tall, 20, false);
  EXPECT_EQ(out.width, 20);
  EXPECT_EQ(out.height, 30);  // int(20 * 50 / 33) = int(30.3)
  out = resizeShorterSide(noise(300, 300, 1), 342, true);
  EXPECT_EQ(out.width, 342);
  EXPECT_EQ(out.height, 342);
  // int(341 * 1003 / 97) = int(3526.01) and int(341 * 1001 / 757) = int(450.91).
  EXPECT_EQ(shorterSideSize(97, 1003, 341), (std::pair{341, 3526}));
  EXPECT_EQ(shorterSideSize(1001, 757, 341), (std::pair{450, 341}));
}

TEST(ResizeTest, CenterCropUsesPythonRounding) {
  const Image img = makeImage(10, 9, [](int x, int y, int c) { return x + 16 * y + c; });
  // Offsets round((10 - w) / 2) half-to-even: w=5 -> 2 (2.5), w=7 -> 2 (1.5), w=9 -> 0 (0.5).
  for (auto [w, left] : {std::pair{5, 2}, std::pair{7, 2}, std::pair{9, 0}, std::pair{4, 3}}) {
    const Image out = centerCrop(img, w, 9);
    EXPECT_EQ(at(out, 0, 0, 0), left) << w;
    EXPECT_EQ(at(out, w - 1, 8, 2), left + w - 1 + 16 * 8 + 2) << w;
  }
  EXPECT_EQ(centerCrop(img, 10, 9).rgb, img.rgb);
  const Image tall = centerCrop(img, 10, 6);  // (9 - 6) / 2 = 1.5 -> 2
  EXPECT_EQ(at(tall, 0, 0, 0), 16 * 2);
}

TEST(ResizeTest, CenterCropPadsSmallImagesWithZeros) {
  const Image img = makeImage(3, 1, [](int x, int, int) { return 10 + x; });
  const Image out = centerCrop(img, 6, 3);  // pads (6 - 3) / 2 = 1 left, 2 right; 1 above
  ASSERT_EQ(out.rgb.size(), 6u * 3 * 3);
  for (int x = 0; x < 6; ++x) {
    EXPECT_EQ(at(out, x, 0, 0), 0);
    EXPECT_EQ(at(out, x, 1, 0), x >= 1 && x <= 3 ? 10 + x - 1 : 0) << x;
    EXPECT_EQ(at(out, x, 2, 0), 0);
  }
}

TEST(ResizeTest, InvalidArgumentsThrow) {
  const Image img = noise(4, 4, 1);
  EXPECT_THROW(resizeBicubic(img, 0, 4), Error);
  EXPECT_THROW(resizeBilinear(img, 4, -1), Error);
  EXPECT_THROW(resizeBicubic(img, 16385, 4), Error);
  EXPECT_THROW(centerCrop(img, 0, 1), Error);
  EXPECT_THROW(resizeShorterSide(img, 0, true), Error);
  Image broken = img;
  broken.rgb.pop_back();
  EXPECT_THROW(resizeBicubic(broken, 2, 2), Error);
  EXPECT_THROW(resizeBilinear(broken, 2, 2), Error);
  EXPECT_THROW(centerCrop(Image{}, 1, 1), Error);
}

}  // namespace
}  // namespace vkc::io
