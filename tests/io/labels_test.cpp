#include "io/labels.hpp"

#include <gtest/gtest.h>

#include "io/io_test_util.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

using testutil::expectError;
using testutil::TempDir;

std::vector<std::string> labelsOf(const TempDir& dir, const std::string& text) {
  const std::string path = dir.file("labels.txt");
  testutil::writeBytes(path, std::vector<uint8_t>(text.begin(), text.end()));
  return readLabels(path);
}

TEST(LabelsTest, OneLabelPerLine) {
  TempDir dir;
  const std::vector<std::string> expected = {"tench", "great white shark", "x"};
  EXPECT_EQ(labelsOf(dir, "tench\ngreat white shark\nx\n"), expected);
  EXPECT_EQ(labelsOf(dir, "tench\ngreat white shark\nx"), expected);
  EXPECT_EQ(labelsOf(dir, "tench\r\ngreat white shark\r\nx\r\n"), expected);
  EXPECT_EQ(labelsOf(dir, "tench\ngreat white shark\nx\n\n\r\n"), expected);
  // An empty line in the middle still takes a class index.
  EXPECT_EQ(labelsOf(dir, "a\n\nc\n"), (std::vector<std::string>{"a", "", "c"}));
}

TEST(LabelsTest, MissingOrEmptyFileIsAnError) {
  TempDir dir;
  const std::string missing = dir.file("missing.txt");
  expectError([&] { readLabels(missing); }, {missing, "cannot open"});
  expectError([&] { labelsOf(dir, ""); }, {dir.file("labels.txt"), "no labels"});
  expectError([&] { labelsOf(dir, "\n\r\n\n"); }, {"no labels"});
}

TEST(LabelsTest, ImagenetClassesAsset) {
  const std::vector<std::string> labels =
      readLabels(std::string(VKC_ASSETS_DIR) + "/imagenet_classes.txt");
  ASSERT_EQ(labels.size(), 1000u);
  EXPECT_EQ(labels[0], "tench");
  EXPECT_EQ(labels[1], "goldfish");
  EXPECT_EQ(labels[207], "golden retriever");
  EXPECT_EQ(labels[999], "toilet tissue");
  for (const std::string& label : labels)
    EXPECT_FALSE(label.empty());
}

}  // namespace
}  // namespace vkc::io
