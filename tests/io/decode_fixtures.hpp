#pragma once
// Shared by the decoder tests: fixtures made at test time by tests/io/image_fixtures.py (PIL),
// each beside PIL's decode of it as a binary PPM, and the comparison of a decode with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "io/image.hpp"
#include "io/io_test_util.hpp"

namespace vkc::io::testutil {

// Runs image_fixtures.py GROUP DIR; a failure (no PIL, no libheif) fails the test.
inline void makeFixtures(const std::string& group, const std::string& dir) {
  const std::string script = std::string(VKC_ASSETS_DIR) + "/../tests/io/image_fixtures.py";
  const std::string command = "/usr/bin/python3 '" + script + "' " + group + " '" + dir + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// A binary PPM as PIL writes it: "P6\n<w> <h>\n255\n" then the pixels.
inline Image readPpm(const std::string& path) {
  const std::vector<uint8_t> bytes = readBytes(path);
  std::istringstream header(
      std::string(bytes.begin(), bytes.begin() + std::min<size_t>(bytes.size(), 64)));
  std::string magic;
  int maxValue = 0;
  Image out;
  header >> magic >> out.width >> out.height >> maxValue;
  const size_t pixels = size_t(out.width) * out.height * 3;
  const size_t start = size_t(header.tellg()) + 1;  // one whitespace byte after the header
  if (magic != "P6" || maxValue != 255 || bytes.size() != start + pixels) {
    ADD_FAILURE() << path << ": not a PPM as PIL writes it";
    return Image{};
  }
  out.rgb.assign(bytes.begin() + start, bytes.end());
  return out;
}

// The largest channel difference between two images of the same size (-1: sizes differ).
inline int maxDifference(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size()) return -1;
  int worst = 0;
  for (size_t i = 0; i < a.rgb.size(); ++i)
    worst = std::max(worst, std::abs(int(a.rgb[i]) - int(b.rgb[i])));
  return worst;
}

// `decoded` is `expected` (PIL's) to within `tolerance` per channel, and of its size.
inline void expectMatches(const Image& decoded, const Image& expected, int tolerance,
                          const std::string& what) {
  ASSERT_EQ(decoded.width, expected.width) << what;
  ASSERT_EQ(decoded.height, expected.height) << what;
  EXPECT_LE(maxDifference(decoded, expected), tolerance) << what;
}

}  // namespace vkc::io::testutil
