// The EXIF reader and the decoders on hostile input: damaged EXIF blocks are ignored (the pixels
// still decode), forged huge sizes and truncated files are errors that name the file, nothing
// crashes or reads out of bounds (the ASan stage runs these). Also the orientation turns and
// the DCT-scaled sizes, on images made here.
#include <gtest/gtest.h>

#include <stb/stb_image_write.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "io/decode_fixtures.hpp"
#include "io/exif_orientation.hpp"
#include "io/image.hpp"
#include "io/io_test_util.hpp"

namespace vkc::io {
namespace {

using testutil::expectError;
using testutil::TempDir;

struct Entry {
  uint16_t tag, type;
  uint32_t count, value;
};

// A TIFF structure as EXIF holds it: header, IFD0 at `ifdOffset` with `entries` (a SHORT value
// sits in the first 2 bytes of the value field), the next-IFD offset `next`.
std::vector<uint8_t> exifBlock(bool bigEndian, const std::vector<Entry>& entries,
                               uint32_t ifdOffset = 8, uint32_t next = 0, bool prefix = false) {
  std::vector<uint8_t> b;
  auto put = [&](uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      b.push_back(uint8_t(bigEndian ? v >> (8 * (bytes - 1 - i)) : v >> (8 * i)));
  };
  if (prefix) b = {'E', 'x', 'i', 'f', 0, 0};
  const size_t base = b.size();
  b.push_back(bigEndian ? 'M' : 'I');
  b.push_back(bigEndian ? 'M' : 'I');
  put(42, 2);
  put(ifdOffset, 4);
  b.resize(base + std::max<size_t>(8, ifdOffset), 0);
  put(uint32_t(entries.size()), 2);
  for (const Entry& e : entries) {
    put(e.tag, 2);
    put(e.type, 2);
    put(e.count, 4);
    if (e.type == 3) {
      put(e.value, 2);
      put(0, 2);
    } else {
      put(e.value, 4);
    }
  }
  put(next, 4);
  return b;
}

int orientationOf(const std::vector<uint8_t>& block) {
  return exifOrientation(block.data(), block.size());
}

TEST(ExifOrientation, ReadsIfd0InBothByteOrders) {
  for (bool big : {false, true}) {
    for (bool prefix : {false, true}) {
      for (int o = 1; o <= 8; ++o) {
        EXPECT_EQ(orientationOf(exifBlock(big, {{0x0112, 3, 1, uint32_t(o)}}, 8, 0, prefix)), o);
      }
      // Among other tags, as a LONG, after a gap before IFD0.
      EXPECT_EQ(orientationOf(exifBlock(
                    big, {{0x010f, 2, 4, 0}, {0x0110, 2, 4, 0}, {0x0112, 4, 1, 6}}, 20, 0, prefix)),
                6);
    }
  }
}

TEST(ExifOrientation, InvalidTagsAndHostileBlocksGiveOne) {
  EXPECT_EQ(exifOrientation(nullptr, 100), 1);
  EXPECT_EQ(orientationOf({}), 1);
  EXPECT_EQ(orientationOf({'I', 'I', '*', 0, 8, 0, 0}), 1);           // shorter than a header
  EXPECT_EQ(orientationOf({'X', 'X', '*', 0, 8, 0, 0, 0, 0, 0}), 1);  // not TIFF
  for (uint32_t bad : {0u, 9u, 65535u})
    EXPECT_EQ(orientationOf(exifBlock(false, {{0x0112, 3, 1, bad}})), 1) << bad;
  EXPECT_EQ(orientationOf(exifBlock(false, {{0x0112, 3, 2, 6}})), 1);  // two values
  EXPECT_EQ(orientationOf(exifBlock(false, {{0x0112, 2, 1, 6}})), 1);  // ASCII
  // IFD0 offsets past the end, at the end, and at the largest values.
  std::vector<uint8_t> block = exifBlock(false, {{0x0112, 3, 1, 6}});
  for (uint32_t offset : {uint32_t(block.size()), uint32_t(block.size() - 1), 0x7fffffffu,
                          0xfffffff0u, 0xffffffffu}) {
    std::vector<uint8_t> b = block;
    std::memcpy(&b[4], &offset, 4);
    EXPECT_EQ(orientationOf(b), 1) << offset;
  }
  // A count of 65535 entries in a block that holds two: the entries present count (as in PIL),
  // the rest are not read.
  block = exifBlock(false, {{0x0100, 3, 1, 5}, {0x0112, 3, 1, 8}});
  block[8] = block[9] = 0xff;
  EXPECT_EQ(orientationOf(block), 8);
  block = exifBlock(false, {{0x0100, 3, 1, 5}});
  block[8] = block[9] = 0xff;
  EXPECT_EQ(orientationOf(block), 1);
  // IFD0 whose next-IFD offset points at itself, and a tag only in the (looping) IFD1: only
  // IFD0 is read, once.
  block = exifBlock(true, {{0x0100, 3, 1, 5}}, 8, 8);
  EXPECT_EQ(orientationOf(block), 1);
  // Every prefix of a valid block: 6 once the whole entry is there, 1 before.
  block = exifBlock(true, {{0x0100, 3, 1, 5}, {0x0112, 3, 1, 6}});
  for (size_t n = 0; n <= block.size(); ++n) {
    const std::vector<uint8_t> cut(block.begin(), block.begin() + n);
    EXPECT_EQ(orientationOf(cut), n >= 8 + 2 + 24 ? 6 : 1) << n;
  }
  // Random damage: any answer in 1..8, no out-of-bounds read.
  std::mt19937 rng(36);
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> b = block;
    for (int k = 0; k < 3; ++k)
      b[rng() % b.size()] = uint8_t(rng());
    const int o = orientationOf(b);
    EXPECT_TRUE(o >= 1 && o <= 8);
  }
}

TEST(ExifOrientation, TurnsMatchTheirDefinitions) {
  Image in;  // 3 x 2, each pixel's red channel its index
  in.width = 3;
  in.height = 2;
  for (int i = 0; i < 6; ++i)
    in.rgb.insert(in.rgb.end(), {uint8_t(i), 0, uint8_t(100 + i)});
  auto reds = [](const Image& img) {
    std::vector<int> r;
    for (size_t i = 0; i < img.rgb.size(); i += 3)
      r.push_back(img.rgb[i]);
    return r;
  };
  // in:  0 1 2      2: 2 1 0   3: 5 4 3   4: 3 4 5   5 (transpose): 0 3   6 (90 cw): 3 0
  //      3 4 5         5 4 3      2 1 0      0 1 2                  1 4              4 1
  //                                                                 2 5              5 2
  // 7 (transverse): 5 2   8 (90 ccw): 2 5
  //                 4 1               1 4
  //                 3 0               0 3
  const std::vector<std::vector<int>> expected = {
      {0, 1, 2, 3, 4, 5}, {2, 1, 0, 5, 4, 3}, {5, 4, 3, 2, 1, 0}, {3, 4, 5, 0, 1, 2},
      {0, 3, 1, 4, 2, 5}, {3, 0, 4, 1, 5, 2}, {5, 2, 4, 1, 3, 0}, {2, 5, 1, 4, 0, 3}};
  for (int o = 1; o <= 8; ++o) {
    const Image out = applyOrientation(in, o);
    EXPECT_EQ(out.width, o >= 5 ? 2 : 3) << o;
    EXPECT_EQ(reds(out), expected[o - 1]) << o;
    for (size_t i = 0; i < out.rgb.size(); i += 3)
      EXPECT_EQ(out.rgb[i + 2], 100 + out.rgb[i]) << o;  // whole pixels move
  }
  EXPECT_EQ(reds(applyOrientation(in, 0)), expected[0]);
  EXPECT_EQ(reds(applyOrientation(in, 9)), expected[0]);
}

// A JPEG of width x height (stb_image_write), optionally with an APP1 segment after SOI.
std::vector<uint8_t> jpegBytes(int width, int height, const std::vector<uint8_t>& app1 = {}) {
  std::vector<uint8_t> pixels(size_t(width) * height * 3);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t(i * 7);
  std::vector<uint8_t> out;
  stbi_write_jpg_to_func(
      [](void* context, void* data, int size) {
        auto* o = static_cast<std::vector<uint8_t>*>(context);
        o->insert(o->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
      },
      &out, width, height, 3, pixels.data(), 90);
  if (!app1.empty()) {
    const size_t length = app1.size() + 2;
    std::vector<uint8_t> segment = {0xff, 0xe1, uint8_t(length >> 8), uint8_t(length)};
    segment.insert(segment.end(), app1.begin(), app1.end());
    out.insert(out.begin() + 2, segment.begin(), segment.end());
  }
  return out;
}

Image decode(const std::vector<uint8_t>& bytes, const DecodeOptions& options = {}) {
  return io::decodeImage(bytes.data(), bytes.size(), "test.jpg", options);
}

TEST(DecodeJpeg, ExifOrientationAppliedAndDamagedExifIgnored) {
  const std::vector<uint8_t> six = exifBlock(true, {{0x0112, 3, 1, 6}}, 8, 0, true);
  Image turned = decode(jpegBytes(24, 16, six));
  EXPECT_EQ(turned.width, 16);
  EXPECT_EQ(turned.height, 24);
  DecodeOptions raw;
  raw.applyExifOrientation = false;
  EXPECT_EQ(decode(jpegBytes(24, 16, six), raw).width, 24);
  EXPECT_EQ(decode(jpegBytes(24, 16, six), raw).rgb, decode(jpegBytes(24, 16)).rgb);
  // Damaged blocks: the image decodes as stored.
  std::vector<uint8_t> loop = exifBlock(false, {{0x0100, 3, 1, 5}}, 8, 8, true);
  std::vector<uint8_t> past = six;
  past[6 + 4] = past[6 + 5] = 0xff;  // IFD0 offset far past the end
  std::vector<uint8_t> cut(six.begin(), six.begin() + 14);
  for (const auto& app1 : {loop, past, cut, std::vector<uint8_t>{'E', 'x', 'i', 'f', 0, 0}}) {
    const Image img = decode(jpegBytes(24, 16, app1));
    EXPECT_EQ(img.width, 24);
    EXPECT_EQ(img.height, 16);
  }
}

// The largest of 1/8, 1/4, 1/2 whose result, rounded down as PIL's draft() rounds, keeps the
// upright image at least minWidth x minHeight; the sides swap under orientations 5-8.
TEST(DecodeJpeg, DctScaledSizes) {
  struct Case {
    int minW, minH, orientation, width, height;
  };
  const std::vector<uint8_t> plain = jpegBytes(100, 60);
  const std::vector<uint8_t> six =
      jpegBytes(100, 60, exifBlock(false, {{0x0112, 3, 1, 6}}, 8, 0, true));
  for (const Case& c : {Case{0, 0, 1, 100, 60},
                        {12, 7, 1, 13, 8},
                        {13, 7, 1, 25, 15},
                        {25, 15, 1, 25, 15},
                        {26, 15, 1, 50, 30},
                        {50, 30, 1, 50, 30},
                        {51, 30, 1, 100, 60},
                        {10, 0, 1, 100, 60},
                        {1, 1, 1, 13, 8},
                        // upright 60 x 100: stored 100 / s >= minHeight, 60 / s >= minWidth
                        {7, 12, 6, 8, 13},
                        {12, 7, 6, 15, 25},
                        {30, 50, 6, 30, 50},
                        {31, 50, 6, 60, 100}}) {
    DecodeOptions options;
    options.minWidth = c.minW;
    options.minHeight = c.minH;
    const Image img = decode(c.orientation == 6 ? six : plain, options);
    EXPECT_EQ(img.width, c.width) << c.minW << "x" << c.minH << " o" << c.orientation;
    EXPECT_EQ(img.height, c.height) << c.minW << "x" << c.minH << " o" << c.orientation;
  }
}

std::vector<uint8_t> be32(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

// Forged headers of huge images: refused from the header, by name, with the size.
TEST(DecodeHostile, HugeSizesAreNamedErrors) {
  auto expectSize = [](const std::vector<uint8_t>& bytes, const char* name, const char* format,
                       const std::string& size) {
    if (!canDecode(format)) return;  // refused as a missing decoder: tested elsewhere
    expectError([&] { io::decodeImage(bytes.data(), bytes.size(), name); }, {name, size});
  };
  // JPEG: SOI, SOF0 60000 x 60000 x 3, SOS; no tables needed to read the header.
  std::vector<uint8_t> jpeg = {0xff, 0xd8, 0xff, 0xc0, 0, 17,   8, 0xea, 0x60, 0xea, 0x60,
                               3,    1,    0x22, 0,    2, 0x11, 1, 3,    0x11, 1};
  jpeg.insert(jpeg.end(), {0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0});
  expectSize(jpeg, "huge.jpg", "JPEG", "60000x60000");
  // PNG: IHDR 60000 x 60000 RGB with its CRC, then an IDAT.
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
  const std::vector<uint8_t> ihdr = {'I', 'H',  'D',  'R', 0, 0, 0xea, 0x60, 0,
                                     0,   0xea, 0x60, 8,   2, 0, 0,    0};
  png.insert(png.end(), ihdr.begin(), ihdr.end());
  uint32_t crc = 0xffffffffu;  // the PNG CRC-32 of the chunk type and data
  for (uint8_t byte : ihdr) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k)
      crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
  }
  const std::vector<uint8_t> crcBytes = be32(~crc);
  png.insert(png.end(), crcBytes.begin(), crcBytes.end());
  png.insert(png.end(), {0, 0, 0, 0, 'I', 'D', 'A', 'T', 0, 0, 0, 0});
  expectSize(png, "huge.png", "PNG", "60000x60000");
  // GIF: a 65535 x 65535 screen and frame.
  const std::vector<uint8_t> gif = {'G',  'I',  'F', '8',  '9', 'a',  0xff, 0xff, 0xff, 0xff,
                                    0,    0,    0,   0x2c, 0,   0,    0,    0,    0xff, 0xff,
                                    0xff, 0xff, 0,   2,    2,   0x4c, 1,    0,    0x3b};
  expectSize(gif, "huge.gif", "GIF", "65535x65535");
  // WebP: a lossless (VP8L) header of 16384 x 16384, the largest WebP allows (14-bit sides
  // minus one, no alpha, version 0).
  std::vector<uint8_t> webp = {'R', 'I', 'F', 'F', 24, 0, 0, 0,    'W',  'E',  'B',  'P',  'V',
                               'P', '8', 'L', 12,  0,  0, 0, 0x2f, 0xff, 0xff, 0xff, 0x0f, 0x00};
  webp.resize(webp.size() + 6, 0);
  expectSize(webp, "huge.webp", "WebP", "16384x16384");
  // TIFF: 60000 x 60000 8-bit RGB, one strip.
  std::vector<uint8_t> tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 8, 0};
  auto tag = [&](uint16_t id, uint16_t type, uint32_t value) {
    const uint8_t e[12] = {uint8_t(id),
                           uint8_t(id >> 8),
                           uint8_t(type),
                           0,
                           1,
                           0,
                           0,
                           0,
                           uint8_t(value),
                           uint8_t(value >> 8),
                           uint8_t(value >> 16),
                           uint8_t(value >> 24)};
    tiff.insert(tiff.end(), e, e + 12);
  };
  tag(256, 4, 60000);  // width
  tag(257, 4, 60000);  // height
  tag(258, 3, 8);      // bits per sample
  tag(262, 3, 2);      // RGB
  tag(273, 4, 200);    // strip offset
  tag(277, 3, 3);      // samples per pixel
  tag(278, 4, 60000);  // rows per strip
  tag(279, 4, 16);     // strip byte count
  tiff.insert(tiff.end(), {0, 0, 0, 0});
  tiff.resize(216, 0);
  expectSize(tiff, "huge.tif", "TIFF", "60000x60000");
}

// Every format's file cut short: an error naming the file and its format, never a crash.
// BMP is the exception stb_image makes: a BMP cut inside its pixels decodes, the rest black;
// and a GIF cut after its first frame is whole for a decoder of first frames (PIL's too).
TEST(DecodeHostile, TruncatedFilesAreNamedErrors) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(testutil::makeFixtures("formats", dir.file("")));
  const std::string cut = dir.file("cut");
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.file(""))) {
    const std::string path = entry.path().string();
    if (entry.path().extension() == ".ppm" || path == cut) continue;
    const std::vector<uint8_t> bytes = testutil::readBytes(path);
    const char* format = imageFormatOf(bytes.data(), bytes.size());
    ASSERT_NE(format, nullptr) << path;
    if (!canDecode(format) || std::strcmp(format, "BMP") == 0) continue;
    const bool gifAnimation = entry.path().filename() == "animated.gif";
    for (size_t n : {size_t{4}, size_t{16}, bytes.size() / 3, bytes.size() / 2}) {
      if (gifAnimation && n > 16) continue;
      testutil::writeBytes(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + n));
      expectError([&] { loadImage(cut); }, {cut});
      SCOPED_TRACE(path + " cut at " + std::to_string(n));
      if (n >= 16) expectError([&] { loadImage(cut); }, {cut, format});
    }
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace vkc::io
