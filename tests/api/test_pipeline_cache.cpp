// The pipeline cache file (ContextOptions::pipelineCachePath): written by one Context and taken
// by the next, whose VkPipelineCache is created from exactly the file's bytes; a corrupt,
// truncated or foreign file is ignored with a warning naming it, never handed to the driver, and
// the network still runs.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <vulkan/vulkan.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "io/detweights.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

// While recording, the initial data of each vkCreatePipelineCache call the library makes: what
// the driver is handed. Lavapipe's VkPipelineCache keeps nothing (its data is the 32-byte header
// whatever was created or given), so a taken file shows only here.
std::mutex initialDataMutex;
bool recording = false;
std::vector<std::vector<char>> initialData;

void startRecording() {
  std::lock_guard<std::mutex> lock(initialDataMutex);
  recording = true;
  initialData.clear();
}

std::vector<std::vector<char>> stopRecording() {
  std::lock_guard<std::mutex> lock(initialDataMutex);
  recording = false;
  return std::exchange(initialData, {});
}

}  // namespace
}  // namespace vkc::test

// The library is static and calls the Vulkan loader's exported functions, so this definition in
// the test executable takes vkCreatePipelineCache's calls, for every test of the binary: it notes
// the initial data while recording and forwards the call unchanged to the loader's own (the next
// definition).
extern "C" VKAPI_ATTR VkResult VKAPI_CALL
vkCreatePipelineCache(VkDevice device, const VkPipelineCacheCreateInfo* info,
                      const VkAllocationCallbacks* allocator, VkPipelineCache* cache) {
  static const auto next =
      reinterpret_cast<PFN_vkCreatePipelineCache>(dlsym(RTLD_NEXT, "vkCreatePipelineCache"));
  if (next == nullptr) return VK_ERROR_INITIALIZATION_FAILED;
  {
    std::lock_guard<std::mutex> lock(vkc::test::initialDataMutex);
    if (vkc::test::recording) {
      const char* data = static_cast<const char*>(info->pInitialData);
      vkc::test::initialData.emplace_back(data, data + (data ? info->initialDataSize : 0));
    }
  }
  return next(device, info, allocator, cache);
}

namespace vkc::test {
namespace {

std::vector<char> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void writeFile(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// What one Context with the cache at `path` wrote to stderr and handed to vkCreatePipelineCache
// (once per Context; a driver that rejects the data gets a second call with none).
struct CacheRun {
  std::string stderrText;
  std::vector<std::vector<char>> initialData;
};

// Loads and runs the bundled model with the cache at `path`.
CacheRun runWithCache(const std::string& path) {
  startRecording();
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
    EXPECT_GT(net.startup().pipelines, 0);
  }
  return {testing::internal::GetCapturedStderr(), stopRecording()};
}

// The driver was given no data: one call, no initial bytes.
void expectNothingHanded(const CacheRun& run, const char* what) {
  ASSERT_EQ(run.initialData.size(), 1u) << what;
  EXPECT_EQ(run.initialData[0].size(), 0u) << what << ": handed to the driver";
}

TEST(PipelineCache, WrittenThenReusedAndBadFilesIgnored) {
  char dir[] = "/tmp/vkc-cache-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/sub/pipelines.bin";  // folders are made
  const CacheRun first = runWithCache(path);
  EXPECT_EQ(first.stderrText, "");
  expectNothingHanded(first, "no file yet");
  const std::vector<char> good = readFile(path);
  ASSERT_GE(good.size(), 32u) << "no cache written";

  // Its own file: taken without a word, the driver's cache created from all of its bytes.
  const CacheRun reused = runWithCache(path);
  EXPECT_EQ(reused.stderrText, "");
  ASSERT_EQ(reused.initialData.size(), 1u);
  EXPECT_EQ(reused.initialData[0].size(), good.size()) << "the cache file was not taken";
  EXPECT_TRUE(reused.initialData[0] == good) << "the driver got other bytes than the file's";

  std::vector<char> foreign = good;
  foreign[8] ^= 0x5a;  // vendorID
  writeFile(path, foreign);
  CacheRun run = runWithCache(path);
  EXPECT_NE(run.stderrText.find(path), std::string::npos) << run.stderrText;
  EXPECT_NE(run.stderrText.find("another device"), std::string::npos) << run.stderrText;
  expectNothingHanded(run, "foreign vendor");

  std::vector<char> otherDriver = good;
  otherDriver[16] ^= 0x01;  // pipelineCacheUUID
  writeFile(path, otherDriver);
  run = runWithCache(path);
  EXPECT_NE(run.stderrText.find("UUID"), std::string::npos) << run.stderrText;
  expectNothingHanded(run, "other driver");

  writeFile(path, std::vector<char>(good.begin(), good.begin() + 20));  // truncated header
  run = runWithCache(path);
  EXPECT_NE(run.stderrText.find("shorter than"), std::string::npos) << run.stderrText;
  expectNothingHanded(run, "truncated");

  std::vector<char> junk(4096);
  for (size_t i = 0; i < junk.size(); ++i)
    junk[i] = char(i * 131 + 7);
  writeFile(path, junk);
  run = runWithCache(path);
  EXPECT_NE(run.stderrText.find("ignoring pipeline cache"), std::string::npos) << run.stderrText;
  expectNothingHanded(run, "junk");

  std::remove(path.c_str());
  std::remove((std::string(dir) + "/sub").c_str());
  std::remove(dir);
}

}  // namespace
}  // namespace vkc::test
