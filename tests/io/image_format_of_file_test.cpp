// vkc::imageFormatOfFile: how folder scans tell an image without an image extension from a file
// that is not one.
#include <gtest/gtest.h>

#include <filesystem>

#include "io/io_test_util.hpp"
#include "vkception/data.hpp"

namespace vkc {
namespace {

using io::testutil::TempDir;
using io::testutil::writeBytes;

template <size_t N>
std::vector<uint8_t> bytesOf(const char (&text)[N]) {  // embedded NULs included
  return {text, text + N - 1};
}

TEST(ImageFormatOfFileTest, KnowsImagesByContentWhateverTheirName) {
  TempDir dir;
  writeBytes(dir.file("photo"), {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0});
  writeBytes(dir.file("picture.dat"), bytesOf("\x89PNG\r\n\x1a\n....IHDR"));
  std::vector<uint8_t> bmp(54, 0);  // BITMAPFILEHEADER + a 40-byte BITMAPINFOHEADER
  bmp[0] = 'B', bmp[1] = 'M', bmp[14] = 40;
  writeBytes(dir.file("scan.bin"), bmp);
  writeBytes(dir.file("anim"), bytesOf("GIF89a\x01\x00\x01\x00"));
  writeBytes(dir.file("clip"), bytesOf("RIFF\x20\0\0\0WEBPVP8 "));
  EXPECT_EQ(imageFormatOfFile(dir.file("photo")), "JPEG");
  EXPECT_EQ(imageFormatOfFile(dir.file("picture.dat")), "PNG");
  EXPECT_EQ(imageFormatOfFile(dir.file("scan.bin")), "BMP");
  EXPECT_EQ(imageFormatOfFile(dir.file("anim")), "GIF");
  EXPECT_EQ(imageFormatOfFile(dir.file("clip")), "WebP");
}

TEST(ImageFormatOfFileTest, OtherFilesAreNone) {
  TempDir dir;
  writeBytes(dir.file("notes.txt"), bytesOf("BMW service on Monday\n"));  // "BM", no BMP header
  writeBytes(dir.file("empty.jpg"), {});
  writeBytes(dir.file("sidecar.xmp"), bytesOf("<?xml version=\"1.0\"?>"));
  EXPECT_EQ(imageFormatOfFile(dir.file("notes.txt")), "");
  EXPECT_EQ(imageFormatOfFile(dir.file("empty.jpg")), "");
  EXPECT_EQ(imageFormatOfFile(dir.file("sidecar.xmp")), "");
  EXPECT_EQ(imageFormatOfFile(dir.file("missing.png")), "");
  std::filesystem::create_directory(dir.file("folder"));
  EXPECT_EQ(imageFormatOfFile(dir.file("folder")), "");
}

}  // namespace
}  // namespace vkc
