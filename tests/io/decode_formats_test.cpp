// Every format and layout the decoders take, against PIL's decode of the same file (fixtures:
// tests/io/image_fixtures.py). Lossless paths and JPEG (PIL decodes through the same
// libjpeg-turbo with the same settings) must match exactly; the exceptions are stated where they
// are checked.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

// After <cstdio>: jpeglib.h uses FILE and size_t without including their headers.
#include <jpeglib.h>

#include "io/decode_fixtures.hpp"
#include "io/image.hpp"
#include "io/io_test_util.hpp"

namespace vkc::io {
namespace {

using testutil::expectError;
using testutil::expectMatches;
using testutil::makeFixtures;
using testutil::maxDifference;
using testutil::readPpm;
using testutil::TempDir;

const char* formatOfExtension(const std::string& name) {
  const std::string ext = std::filesystem::path(name).extension().string();
  if (ext == ".webp") return "WebP";
  if (ext == ".tif") return "TIFF";
  if (ext == ".gif") return "GIF";
  if (ext == ".heic") return "HEIF";
  if (ext == ".avif") return "AVIF";
  return "PNG";  // PNG, JPEG and BMP are always built
}

// A build without the decoder must refuse the file by name, with the package to install.
void expectMissingDecoder(const std::string& path, const char* format) {
  expectError([&] { loadImage(path); },
              {path, std::string(format) + " image, but this build has no " + format + " decoder"});
}

// The 8 EXIF orientations in JPEG (APP1), PNG (eXIf), WebP (EXIF chunk) and TIFF (its tag; RGB
// read as stored, bilevel through libtiff's RGBA conversion), exactly as ImageOps.exif_transpose
// turns them (JPEG included: the same libjpeg-turbo decode); with the option off, exactly as
// Image.open gives them (stored; a TIFF turned by its tag).
TEST(DecodeOrientation, AllEightValuesMatchPilExifTranspose) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(makeFixtures("orientation", dir.file("")));
  DecodeOptions raw;
  raw.applyExifOrientation = false;
  for (int o = 1; o <= 8; ++o) {
    for (const char* ext : {"png", "jpg", "webp", "tif", "1.tif"}) {
      const std::string path = dir.file("o" + std::to_string(o) + "." + ext);
      if (!canDecode(formatOfExtension(path))) {
        expectMissingDecoder(path, formatOfExtension(path));
        continue;
      }
      expectMatches(loadImage(path), readPpm(path + ".upright.ppm"), 0, path);
      expectMatches(io::loadImage(path, raw), readPpm(path + ".raw.ppm"), 0, path + " raw");
    }
  }
}

// One file per format and layout, each exactly as PIL's Image.open(...).convert("RGB"):
// alpha dropped (not composited), palettes and gray expanded, first frames of animations.
TEST(DecodeFormats, EveryFormatMatchesPil) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(makeFixtures("formats", dir.file("")));
  // libtiff converts CMYK TIFFs itself, rounding (255 - C)(255 - K) / 255 down where PIL rounds.
  const std::map<std::string, int> tolerance = {{"cmyk.tif", 1}};
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.file(""))) {
    const std::string path = entry.path().string();
    if (entry.path().extension() == ".ppm") continue;
    const char* format = formatOfExtension(path);
    if (!canDecode(format)) {
      expectMissingDecoder(path, format);
      continue;
    }
    const auto t = tolerance.find(entry.path().filename().string());
    expectMatches(loadImage(path), readPpm(path + ".ppm"), t == tolerance.end() ? 0 : t->second,
                  path);
    ++checked;
  }
  EXPECT_GE(checked, 10);  // PNG, JPEG and BMP files at least
}

// The format comes from the content: a JPEG named .png decodes as a JPEG, and the reverse.
TEST(DecodeFormats, ContentNotTheNameDecides) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(makeFixtures("formats", dir.file("")));
  for (const char* name : {"jpeg_named.png", "png_named.jpg"}) {
    const std::string path = dir.file(name);
    const std::vector<uint8_t> bytes = testutil::readBytes(path);
    EXPECT_STREQ(imageFormatOf(bytes.data(), bytes.size()), name[0] == 'j' ? "JPEG" : "PNG");
    expectMatches(loadImage(path), readPpm(path + ".ppm"), 0, path);
  }
}

// DCT scaling picks the scale PIL's draft() picks for the same request and decodes the same
// pixels; the option asks for at least minWidth x minHeight.
TEST(DecodeJpeg, DctScalingMatchesPilDraft) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(makeFixtures("formats", dir.file("")));
  const std::string big = dir.file("big.jpg");
  for (auto [w, h] : {std::pair{25, 19}, {26, 20}, {50, 39}, {101, 78}, {102, 78}}) {
    DecodeOptions options;
    options.minWidth = w;
    options.minHeight = h;
    const std::string what = std::to_string(w) + "x" + std::to_string(h);
    const Image decoded = io::loadImage(big, options);
    EXPECT_GE(decoded.width, w) << what;
    EXPECT_GE(decoded.height, h) << what;
    expectMatches(decoded, readPpm(big + ".draft_" + what + ".ppm"), 0, what);
  }
}

// HEIF (HEVC) and AVIF (AV1) written through libheif with irot/imir orientations, which are
// applied with or without applyExifOrientation. Lossy (quality 90, 4:2:0), so within 24 levels
// of the source: a wrong turn of the 4-colour test image is off by over 100.
TEST(DecodeHeif, HeicAndAvifTurnedByIrotImir) {
  if (!canDecode("HEIF")) {
    const std::string path = "photo.heic";
    const std::vector<uint8_t> ftyp = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                                       0, 0, 0, 0,  'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'};
    expectError([&] { decodeImage(ftyp.data(), ftyp.size(), path); },
                {"photo.heic: HEIF image, but this build has no HEIF decoder (libheif-dev)"});
    return;
  }
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(makeFixtures("heif", dir.file("")));
  DecodeOptions raw;
  raw.applyExifOrientation = false;
  for (const char* name : {"o1.heic", "o5.heic", "o6.heic", "o1.avif", "o8.avif"}) {
    const std::string path = dir.file(name);
    const std::vector<uint8_t> bytes = testutil::readBytes(path);
    EXPECT_STREQ(imageFormatOf(bytes.data(), bytes.size()), formatOfExtension(path)) << name;
    const Image upright = readPpm(path + ".upright.ppm"), stored = readPpm(path + ".raw.ppm");
    const Image decoded = loadImage(path);
    expectMatches(decoded, upright, 24, path);
    expectMatches(io::loadImage(path, raw), upright, 24, path + " no EXIF turn");
    if (name[1] != '1') {
      const int wrong = maxDifference(decoded, stored);
      EXPECT_TRUE(wrong < 0 || wrong > 100) << path << ": the turn is not seen";
    }
  }
}

// A 4-channel JPEG written by libjpeg as CMYK or YCCK (Adobe APP14, transform 0 or 2; the
// values inverted as Adobe's applications write them) converts exactly as PIL converts it.
void writeFourChannelJpeg(const std::string& path, J_COLOR_SPACE space, int width, int height) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  jpeg_compress_struct cinfo;
  jpeg_error_mgr error;
  cinfo.err = jpeg_std_error(&error);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, file);
  cinfo.image_width = JDIMENSION(width);
  cinfo.image_height = JDIMENSION(height);
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_colorspace(&cinfo, space);  // writes the Adobe marker for CMYK and YCCK
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<uint8_t> row(size_t(width) * 4);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width * 4; ++x)
      row[x] = uint8_t((x * 37 + y * 91 + (x % 4) * 60) % 256);
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::fclose(file);
}

TEST(DecodeJpeg, CmykAndYcckMatchPil) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(writeFourChannelJpeg(dir.file("cmyk.jpg"), JCS_CMYK, 23, 17));
  ASSERT_NO_FATAL_FAILURE(writeFourChannelJpeg(dir.file("ycck.jpg"), JCS_YCCK, 23, 17));
  ASSERT_NO_FATAL_FAILURE(makeFixtures("reference", dir.file("")));
  for (const char* name : {"cmyk.jpg", "ycck.jpg"}) {
    const std::string path = dir.file(name);
    expectMatches(loadImage(path), readPpm(path + ".ppm"), 0, path);
    DecodeOptions half;  // CMYK through DCT scaling too
    half.minWidth = 11;
    half.minHeight = 8;
    EXPECT_EQ(io::loadImage(path, half).width, 12) << path;
  }
}

}  // namespace
}  // namespace vkc::io
