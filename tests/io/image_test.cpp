#include "io/image.hpp"

#include <gtest/gtest.h>

#include <stb/stb_image_write.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <random>

#include "io/io_test_util.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

using testutil::expectError;
using testutil::readBytes;
using testutil::TempDir;
using testutil::writeBytes;

Image makeImage(int width, int height, uint8_t (*value)(int x, int y, int c)) {
  Image img;
  img.width = width;
  img.height = height;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < 3; ++c)
        img.rgb.push_back(value(x, y, c));
    }
  }
  return img;
}

uint8_t at(const Image& img, int x, int y, int c) {
  return img.rgb[(static_cast<size_t>(y) * img.width + x) * 3 + c];
}

Image noise(int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  Image img;
  img.width = width;
  img.height = height;
  for (int i = 0; i < width * height * 3; ++i)
    img.rgb.push_back(static_cast<uint8_t>(rng()));
  return img;
}

Image mirrored(const Image& in) {
  Image out = in;
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        out.rgb[(static_cast<size_t>(y) * in.width + x) * 3 + c] = at(in, in.width - 1 - x, y, c);
      }
    }
  }
  return out;
}

TEST(ImageTest, LoadsPngAndBmpExactly) {
  TempDir dir;
  const Image img = noise(5, 4, 1);
  const std::string png = dir.file("a.png"), bmp = dir.file("a.bmp");
  ASSERT_TRUE(stbi_write_png(png.c_str(), img.width, img.height, 3, img.rgb.data(), img.width * 3));
  ASSERT_TRUE(stbi_write_bmp(bmp.c_str(), img.width, img.height, 3, img.rgb.data()));
  for (const std::string& path : {png, bmp}) {
    const Image loaded = loadImage(path);
    EXPECT_EQ(loaded.width, 5) << path;
    EXPECT_EQ(loaded.height, 4) << path;
    EXPECT_EQ(loaded.rgb, img.rgb) << path;
  }
}

TEST(ImageTest, GrayAndAlphaBecomeRgb) {
  TempDir dir;
  const std::vector<uint8_t> gray = {0, 50, 100, 150, 200, 250};
  const std::string grayPath = dir.file("gray.png");
  ASSERT_TRUE(stbi_write_png(grayPath.c_str(), 3, 2, 1, gray.data(), 3));
  const Image g = loadImage(grayPath);
  ASSERT_EQ(g.rgb.size(), 18u);
  for (int i = 0; i < 6; ++i) {
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(g.rgb[i * 3 + c], gray[i]);
  }

  const std::vector<uint8_t> rgba = {10, 20, 30, 0, 40, 50, 60, 255};
  const std::string rgbaPath = dir.file("rgba.png");
  ASSERT_TRUE(stbi_write_png(rgbaPath.c_str(), 2, 1, 4, rgba.data(), 8));
  EXPECT_EQ(loadImage(rgbaPath).rgb, (std::vector<uint8_t>{10, 20, 30, 40, 50, 60}));
}

// JPEG is lossy: the decode is checked against the source image within what quality 100 without
// chroma subsampling loses on a smooth image (a few levels; a wrong colour conversion, channel
// order or row stride is off by tens), and gray JPEGs must replicate their one channel.
TEST(ImageTest, JpegDecodesCloseToTheSourceAndRefusesTruncation) {
  TempDir dir;
  const Image img =
      makeImage(24, 16, [](int x, int y, int c) { return uint8_t(40 + 6 * x + 4 * y + 30 * c); });
  const std::string jpg = dir.file("a.jpg");
  ASSERT_TRUE(stbi_write_jpg(jpg.c_str(), img.width, img.height, 3, img.rgb.data(), 100));
  const Image loaded = loadImage(jpg);
  ASSERT_EQ(loaded.width, 24);
  ASSERT_EQ(loaded.height, 16);
  int worst = 0;
  for (size_t i = 0; i < img.rgb.size(); ++i)
    worst = std::max(worst, std::abs(int(loaded.rgb[i]) - int(img.rgb[i])));
  EXPECT_LE(worst, 6);

  const std::vector<uint8_t> gray(64, 99);
  const std::string grayJpg = dir.file("g.jpg");
  ASSERT_TRUE(stbi_write_jpg(grayJpg.c_str(), 8, 8, 1, gray.data(), 100));
  const Image g = loadImage(grayJpg);
  for (size_t i = 0; i < g.rgb.size(); i += 3) {
    EXPECT_EQ(g.rgb[i], g.rgb[i + 1]);
    EXPECT_EQ(g.rgb[i], g.rgb[i + 2]);
    EXPECT_NEAR(g.rgb[i], 99, 2);
  }

  const std::vector<uint8_t> bytes = readBytes(jpg);
  const std::string cut = dir.file("cut.jpg");
  writeBytes(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + bytes.size() / 2));
  expectError([&] { loadImage(cut); }, {cut, "JPEG"});
}

TEST(ImageTest, LoadErrorsNameTheFile) {
  TempDir dir;
  const std::string missing = dir.file("missing.png");
  expectError([&] { loadImage(missing); }, {missing, "cannot open"});

  const std::string random = dir.file("random.png");
  std::mt19937 rng(7);
  std::vector<uint8_t> junk(300);
  for (uint8_t& b : junk)
    b = static_cast<uint8_t>(rng());
  writeBytes(random, junk);
  expectError([&] { loadImage(random); }, {random, "not a supported image format"});
  // Formats other than PNG, JPEG and BMP are refused by their signature, not parsed.
  for (const auto& [name, magic] : {std::pair{"x.gif", "GIF89a"}, std::pair{"x.ppm", "P6\n1 1\n"},
                                    std::pair{"x.webp", "RIFF"}}) {
    const std::string path = dir.file(name);
    std::vector<uint8_t> bytes(magic, magic + std::strlen(magic));
    bytes.resize(64, 0);
    writeBytes(path, bytes);
    expectError([&] { loadImage(path); }, {path, "not a supported image format (PNG, JPEG, BMP)"});
  }

  const std::string empty = dir.file("empty.jpg");
  writeBytes(empty, {});
  expectError([&] { loadImage(empty); }, {empty});

  const Image img = noise(16, 16, 3);
  const std::string png = dir.file("ok.png");
  ASSERT_TRUE(stbi_write_png(png.c_str(), 16, 16, 3, img.rgb.data(), 48));
  const std::vector<uint8_t> bytes = readBytes(png);
  const std::string cut = dir.file("cut.png");
  for (size_t n : {size_t{8}, size_t{20}, size_t{40}, bytes.size() / 2, bytes.size() - 20}) {
    writeBytes(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + n));
    SCOPED_TRACE(n);
    expectError([&] { loadImage(cut); }, {cut});
  }
}

TEST(ImageTest, RejectsOversizedAndZeroSizedImages) {
  TempDir dir;
  const std::string wide = dir.file("wide.png");
  const std::vector<uint8_t> row(16385 * 3, 128);
  ASSERT_TRUE(stbi_write_png(wide.c_str(), 16385, 1, 3, row.data(), 16385 * 3));
  expectError([&] { loadImage(wide); }, {wide, "16385x1"});

  // A 1x1 PNG whose IHDR width field is patched to 0.
  const std::string zero = dir.file("zero.png");
  ASSERT_TRUE(stbi_write_png(zero.c_str(), 1, 1, 3, row.data(), 3));
  std::vector<uint8_t> bytes = readBytes(zero);
  bytes[16 + 3] = 0;  // IHDR data starts at byte 16: width (big-endian) then height
  writeBytes(zero, bytes);
  expectError([&] { loadImage(zero); }, {zero});
}

TEST(ImageTest, BicubicKeepsConstantImagesAndIdentity) {
  const Image flat = makeImage(17, 13, [](int, int, int c) { return uint8_t(40 + 90 * c); });
  for (auto [w, h] : {std::pair{5, 4}, std::pair{40, 30}, std::pair{17, 1}, std::pair{1, 13}}) {
    const Image out = resizeBicubic(flat, w, h);
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
  EXPECT_EQ(resizeBicubic(img, 23, 11).rgb, img.rgb);
}

TEST(ImageTest, BicubicIsMirrorSymmetric) {
  const Image img = noise(31, 9, 11);
  for (auto [w, h] : {std::pair{12, 5}, std::pair{50, 20}, std::pair{7, 9}}) {
    EXPECT_EQ(resizeBicubic(mirrored(img), w, h).rgb, mirrored(resizeBicubic(img, w, h)).rgb)
        << w << "x" << h;
  }
}

TEST(ImageTest, BicubicKeepsARampMonotone) {
  const Image ramp = makeImage(64, 3, [](int x, int, int) { return uint8_t(x * 4); });
  for (int w : {23, 64, 150}) {
    const Image out = resizeBicubic(ramp, w, 5);
    for (int y = 0; y < out.height; ++y) {
      for (int x = 1; x < w; ++x)
        ASSERT_LE(at(out, x - 1, y, 0), at(out, x, y, 0)) << w;
    }
    EXPECT_LT(at(out, 0, 0, 0), 10);
    EXPECT_GT(at(out, w - 1, 0, 0), 240);
  }
}

TEST(ImageTest, BicubicDownscaleIsAntialiased) {
  // 1-px stripes 0/200 shrunk 6.4x: the widened support spans many stripes, so every output
  // is close to the mean (100); an unwidened kernel would sample single stripes and alias.
  const Image stripes = makeImage(64, 8, [](int x, int, int) { return uint8_t(x % 2 ? 200 : 0); });
  const Image out = resizeBicubic(stripes, 10, 8);
  for (int x = 1; x < 9; ++x)
    EXPECT_NEAR(at(out, x, 4, 0), 100, 3) << x;
}

TEST(ImageTest, BilinearMatchesHalfPixelFormula) {
  Image row;
  row.width = 2;
  row.height = 1;
  row.rgb = {0, 0, 10, 100, 200, 30};
  const Image up = resizeBilinear(row, 4, 1);
  // Source x = (dst + 0.5) / 2 - 0.5, clamped at 0: 0, 0.25, 0.75, 1.
  EXPECT_EQ(up.rgb, (std::vector<uint8_t>{0, 0, 10, 25, 50, 15, 75, 150, 25, 100, 200, 30}));
  // 2.5 and 7.5 round half-to-even, as torch.round does.
  row.rgb = {0, 0, 0, 10, 10, 10};
  EXPECT_EQ(resizeBilinear(row, 4, 1).rgb,
            (std::vector<uint8_t>{0, 0, 0, 2, 2, 2, 8, 8, 8, 10, 10, 10}));

  const Image img = noise(9, 7, 2);
  EXPECT_EQ(resizeBilinear(img, 9, 7).rgb, img.rgb);
  const Image flat = makeImage(9, 7, [](int, int, int) { return uint8_t(77); });
  const Image out = resizeBilinear(flat, 20, 3);
  for (uint8_t v : out.rgb)
    EXPECT_EQ(v, 77);
}

TEST(ImageTest, ResizeShorterSideKeepsAspect) {
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
}

TEST(ImageTest, CenterCropUsesPythonRounding) {
  const Image img = makeImage(10, 9, [](int x, int y, int c) { return uint8_t(x + 16 * y + c); });
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

TEST(ImageTest, CenterCropPadsSmallImagesWithZeros) {
  const Image img = makeImage(3, 1, [](int x, int, int) { return uint8_t(10 + x); });
  const Image out = centerCrop(img, 6, 3);  // pads (6 - 3) / 2 = 1 left, 2 right; 1 above
  ASSERT_EQ(out.rgb.size(), 6u * 3 * 3);
  for (int x = 0; x < 6; ++x) {
    EXPECT_EQ(at(out, x, 0, 0), 0);
    EXPECT_EQ(at(out, x, 1, 0), x >= 1 && x <= 3 ? 10 + x - 1 : 0) << x;
    EXPECT_EQ(at(out, x, 2, 0), 0);
  }
}

TEST(ImageTest, InvalidArgumentsThrow) {
  const Image img = noise(4, 4, 1);
  EXPECT_THROW(resizeBicubic(img, 0, 4), Error);
  EXPECT_THROW(resizeBilinear(img, 4, -1), Error);
  EXPECT_THROW(resizeBicubic(img, 16385, 4), Error);
  EXPECT_THROW(centerCrop(img, 0, 1), Error);
  EXPECT_THROW(resizeShorterSide(img, 0, true), Error);
  Image broken = img;
  broken.rgb.pop_back();
  EXPECT_THROW(resizeBicubic(broken, 2, 2), Error);
  EXPECT_THROW(centerCrop(Image{}, 1, 1), Error);
}

}  // namespace
}  // namespace vkc::io
