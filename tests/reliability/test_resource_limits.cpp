// Work too large for the device or the host gets a clear error naming the sizes, or is split:
// never an out-of-memory kill or a hang.
#include <gtest/gtest.h>

#include <stb/stb_image_write.h>

#include "graph/builder.hpp"
#include "graph/weight_store.hpp"
#include "io/image.hpp"
#include "support/vulkan_env.hpp"
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

TEST(ResourceLimits, WeightsThatCannotFitAreRefusedBeforeUpload) {
  // A classifier like ImageNet-21k's on 2048 features: 2048 x 20000 fp32 weights are 156 MiB,
  // over the 64 MiB a weight buffer may hold.
  graph::GraphBuilder b;
  const int x = b.input(2048, 1, 1);
  const int y = b.linear("logits", x, 20000, std::vector<float>(size_t(2048) * 20000, 0.01f), {});
  const graph::Graph g = b.finish(y);
  const uint64_t before = sharedDevice().memory().bytesInUse();
  try {
    graph::WeightStore store(sharedDevice(), g);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ErrorCode::OutOfMemory) << message;
    EXPECT_NE(message.find("'logits'"), std::string::npos) << message;
    EXPECT_NE(message.find("156 MiB"), std::string::npos) << message;  // 2048 x 20000 x 4
  }
  EXPECT_EQ(sharedDevice().memory().bytesInUse(), before);  // nothing was uploaded
}

TEST(ResourceLimits, ImagesOverThePixelCapAreRefusedFromTheHeader) {
  const std::vector<uint8_t> rgb(size_t(100) * 80 * 3, 7);
  std::vector<uint8_t> png;
  stbi_write_png_to_func(
      [](void* out, void* data, int size) {
        auto* bytes = static_cast<const uint8_t*>(data);
        static_cast<std::vector<uint8_t>*>(out)->insert(
            static_cast<std::vector<uint8_t>*>(out)->end(), bytes, bytes + size);
      },
      &png, 100, 80, 3, rgb.data(), 300);
  EXPECT_EQ(io::decodeImage(png.data(), png.size(), "ok.png").width, 100);
  try {
    io::decodeImage(png.data(), png.size(), "big.png", 7999);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("100x80 is over the limit"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.code(), ErrorCode::BadInputFile);
  }
}

}  // namespace
}  // namespace vkc::test
