#include "io/idx.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "io/io_test_util.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

using testutil::expectError;
using testutil::TempDir;
using testutil::writeBytes;

std::vector<uint8_t> idxBytes(uint8_t type, const std::vector<uint32_t>& dims,
                              const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<uint8_t>(d >> shift));
  }
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

void writeGzip(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

std::vector<uint8_t> iota(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(i * 7);
  return v;
}

TEST(IdxTest, ReadsPlainAndGzip) {
  TempDir dir;
  const std::vector<uint8_t> data = iota(2 * 3 * 4);
  const std::vector<uint8_t> bytes = idxBytes(0x08, {2, 3, 4}, data);
  const std::string plain = dir.file("images-idx3-ubyte");
  const std::string gz = dir.file("images-idx3-ubyte.gz");
  writeBytes(plain, bytes);
  writeGzip(gz, bytes);
  for (const std::string& path : {plain, gz}) {
    const IdxArray a = readIdx(path);
    EXPECT_EQ(a.dims, (std::vector<uint32_t>{2, 3, 4})) << path;
    EXPECT_EQ(a.data, data) << path;
  }
}

TEST(IdxTest, LabelsFileWithOneDimension) {
  TempDir dir;
  const std::string path = dir.file("labels-idx1-ubyte.gz");
  writeGzip(path, idxBytes(0x08, {5}, {9, 0, 3, 1, 7}));
  const IdxArray a = readIdx(path);
  EXPECT_EQ(a.dims, std::vector<uint32_t>{5});
  EXPECT_EQ(a.data, (std::vector<uint8_t>{9, 0, 3, 1, 7}));
}

TEST(IdxTest, LargerThanOneReadChunk) {
  TempDir dir;
  const std::string path = dir.file("big.gz");
  const std::vector<uint8_t> data = iota(size_t{1} << 25);  // crosses the 16 MiB read chunk
  writeGzip(path, idxBytes(0x08, {1u << 13, 1u << 12}, data));
  EXPECT_EQ(readIdx(path).data, data);
}

TEST(IdxTest, InvalidFilesNameTheFile) {
  TempDir dir;
  const std::string path = dir.file("bad-idx");
  auto expectBad = [&](const std::vector<uint8_t>& bytes, const std::string& fragment) {
    writeBytes(path, bytes);
    expectError([&] { readIdx(path); }, {path, fragment});
  };
  expectBad({1, 0, 8, 1, 0, 0, 0, 1, 5}, "magic");
  expectBad(idxBytes(0x0D, {1}, {0, 0, 0, 0}), "0x0d");
  expectBad(idxBytes(0x08, {}, {}), "no dimensions");
  expectBad(idxBytes(0x08, {3, 0}, {}), "zero");
  expectBad(idxBytes(0x08, {2, 3}, iota(5)), "truncated");
  expectBad(idxBytes(0x08, {2, 3}, iota(7)), "trailing");
  expectBad(idxBytes(0x08, {0xFFFFFFFF, 0xFFFFFFFF}, {}), "large");
  expectBad({0, 0}, "too short");

  const std::string missing = dir.file("missing.gz");
  expectError([&] { readIdx(missing); }, {missing, "cannot open"});
}

TEST(IdxTest, EveryPrefixOfPlainAndGzipFilesIsAnError) {
  TempDir dir;
  const std::vector<uint8_t> bytes = idxBytes(0x08, {3, 5}, iota(15));
  const std::string gz = dir.file("full.gz");
  writeGzip(gz, bytes);
  const std::vector<uint8_t> gzBytes = testutil::readBytes(gz);
  const std::string cut = dir.file("cut");
  for (const std::vector<uint8_t>* full : {&bytes, &gzBytes}) {
    for (size_t n = 0; n < full->size(); ++n) {
      // The gzip trailer (CRC and length, last 8 bytes) may be cut without losing data.
      if (full == &gzBytes && n + 8 >= full->size()) break;
      writeBytes(cut, std::vector<uint8_t>(full->begin(), full->begin() + n));
      SCOPED_TRACE(std::string(full == &bytes ? "plain" : "gzip") + " prefix " + std::to_string(n));
      expectError([&] { readIdx(cut); }, {cut});
    }
  }
}

}  // namespace
}  // namespace vkc::io
