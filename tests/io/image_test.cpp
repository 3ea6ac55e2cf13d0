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

using testutil::makeImage;

Image noise(int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  Image img;
  img.width = width;
  img.height = height;
  for (int i = 0; i < width * height * 3; ++i)
    img.rgb.push_back(static_cast<uint8_t>(rng()));
  return img;
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
  // Formats without a decoder are refused by their signature, not parsed; a known signature
  // with nothing valid after it is that format's error.
  const std::string supported = "not a supported image format (" + supportedImageFormats() + ")";
  for (const auto& [name, magic] :
       {std::pair{"x.ppm", "P6\n1 1\n"}, std::pair{"x.webp", "RIFF\020\001\002\003AVI "}}) {
    const std::string path = dir.file(name);
    std::vector<uint8_t> bytes(magic, magic + std::strlen(magic));
    bytes.resize(64, 0);
    writeBytes(path, bytes);
    expectError([&] { loadImage(path); }, {path, supported});
  }
  const std::string gif = dir.file("x.gif");
  std::vector<uint8_t> gifBytes = {'G', 'I', 'F', '8', '9', 'a'};
  gifBytes.resize(64, 0);
  writeBytes(gif, gifBytes);
  expectError([&] { loadImage(gif); }, {gif, "GIF"});

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

}  // namespace
}  // namespace vkc::io
