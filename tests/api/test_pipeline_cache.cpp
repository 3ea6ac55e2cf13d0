// The pipeline cache file (ContextOptions::pipelineCachePath): written by one Context and taken
// by the next; a corrupt, truncated or foreign file is ignored with a warning naming it, never
// handed to the driver, and the network still runs.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "io/detweights.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

std::vector<char> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void writeFile(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// Loads and runs the bundled model with the cache at `path`; returns what went to stderr.
std::string runWithCache(const std::string& path) {
  testing::internal::CaptureStderr();
  {
    ContextOptions options;
    options.validation = true;
    options.pipelineCachePath = path;
    Context context(options);
    NetworkOptions n;
    n.weights = std::string(VKC_ASSETS_DIR) + "/fashion_mnist_irv2.safetensors";
    n.start = vkc::StartMode::AtOnce;
    Network net = Network::load(context, "inception_resnet_v2", n);
    const std::vector<float> x = io::detweightsInput({1, 3, 75, 75});
    EXPECT_EQ(net.run(x.data(), 1).size(), 10u);
  }
  return testing::internal::GetCapturedStderr();
}

TEST(PipelineCache, WrittenThenReusedAndBadFilesIgnored) {
  char dir[] = "/tmp/vkc-cache-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/sub/pipelines.bin";  // folders are made
  EXPECT_EQ(runWithCache(path), "");
  const std::vector<char> good = readFile(path);
  ASSERT_GE(good.size(), 32u) << "no cache written";
  EXPECT_EQ(runWithCache(path), "");  // its own file: taken without a word

  std::vector<char> foreign = good;
  foreign[8] ^= 0x5a;  // vendorID
  writeFile(path, foreign);
  std::string err = runWithCache(path);
  EXPECT_NE(err.find(path), std::string::npos) << err;
  EXPECT_NE(err.find("another device"), std::string::npos) << err;

  std::vector<char> otherDriver = good;
  otherDriver[16] ^= 0x01;  // pipelineCacheUUID
  writeFile(path, otherDriver);
  EXPECT_NE(runWithCache(path).find("UUID"), std::string::npos);

  writeFile(path, std::vector<char>(good.begin(), good.begin() + 20));  // truncated header
  EXPECT_NE(runWithCache(path).find("shorter than"), std::string::npos);

  std::vector<char> junk(4096);
  for (size_t i = 0; i < junk.size(); ++i)
    junk[i] = char(i * 131 + 7);
  writeFile(path, junk);
  EXPECT_NE(runWithCache(path).find("ignoring pipeline cache"), std::string::npos);

  std::remove(path.c_str());
  std::remove((std::string(dir) + "/sub").c_str());
  std::remove(dir);
}

}  // namespace
}  // namespace vkc::test
