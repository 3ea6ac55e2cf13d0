// Pipelines declared inside a KernelCache::CompileTogether are created together when it
// finishes (on several threads), and a Network reports where its start-up time went.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "io/detweights.hpp"
#include "ops/elementwise.hpp"
#include "ops/pool2d.hpp"
#include "support/gpu_runner.hpp"
#include "vk/device.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

vk::DeviceOptions ownDevice() {  // not the shared device: its kernels must be new here
  vk::DeviceOptions options;
  options.validation = true;
  options.pipelineCacheOnDisk = false;
  return options;
}

// A device of its own, and a 2-channel 4x4 input of ones with a 2-channel output.
class KernelCache : public testing::Test {
 protected:
  vk::Device device{ownDevice()};
  vk::Buffer a = upload(device, std::vector<float>(64, 1.0f));
  vk::Buffer b = upload(device, std::vector<float>(64, 0.0f));
  const ops::TensorRef in = tensorRef(a, 1, 2, 4, 4), out = tensorRef(b, 1, 2, 1, 1);
  vk::KernelCache& kernels = device.kernels();
};

TEST_F(KernelCache, CompileTogetherCreatesDeclaredPipelinesWhenItFinishes) {
  std::vector<vk::Dispatch> dispatches;
  {
    vk::KernelCache::CompileTogether together(kernels);
    dispatches.push_back(ops::copyChannelsDispatch(kernels, in, tensorRef(b, 1, 2, 4, 4)));
    dispatches.push_back(ops::globalAvgPoolDispatch(kernels, in, out));
    for (const vk::Dispatch& d : dispatches) {
      EXPECT_EQ(d.kernel->pipeline, VK_NULL_HANDLE);  // declared only
      EXPECT_FALSE(d.kernel->ready);
    }
    together.finish();
  }
  for (const vk::Dispatch& d : dispatches) {
    EXPECT_NE(d.kernel->pipeline, VK_NULL_HANDLE);
    EXPECT_TRUE(d.kernel->ready);
  }
  EXPECT_EQ(kernels.stats().pipelines, 2);
  EXPECT_GT(kernels.stats().compileMs, 0.0);
  runDispatches(device, {dispatches[1]});  // and they run
  EXPECT_EQ(fromDevice(download(device, b, deviceCount(1, 2, 1)), 1, 2, 1),
            (std::vector<float>{1.0f, 1.0f}));
}

TEST_F(KernelCache, AGroupLeftUnfinishedCreatesNothingAndLaterUseCreatesThem) {
  const vk::Kernel* declared = nullptr;
  {
    vk::KernelCache::CompileTogether together(kernels);
    declared = ops::globalAvgPoolDispatch(kernels, in, out).kernel;
  }  // e.g. an exception left the scope
  EXPECT_EQ(declared->pipeline, VK_NULL_HANDLE);
  const vk::Dispatch d = ops::globalAvgPoolDispatch(kernels, in, out);  // no group: made now
  EXPECT_EQ(d.kernel, declared);
  EXPECT_NE(d.kernel->pipeline, VK_NULL_HANDLE);
}

// A validated context with no pipeline cache (every pipeline is new), and the bundled model on
// at-once kernels (quick to build).
ContextOptions freshContext() {
  ContextOptions co;
  co.validation = true;
  co.pipelineCache = false;
  return co;
}
NetworkOptions bundledAtOnce() {
  NetworkOptions options;
  options.weights = std::string(VKC_ASSETS_DIR) + "/fashion_mnist_irv2.safetensors";
  options.start = vkc::StartMode::AtOnce;
  return options;
}

TEST(StartupTimings, ReportWhereTheFirstResultsTimeWent) {
  Context context(freshContext());
  Network net = Network::load(context, "inception_resnet_v2", bundledAtOnce());
  EXPECT_EQ(net.startup().firstRunMs, 0.0);  // no run yet
  EXPECT_EQ(net.startup().pipelines, 0);
  EXPECT_GT(net.startup().packMs + net.startup().uploadMs, 0.0);
  const std::vector<float> x = io::detweightsInput({1, 3, 75, 75});
  net.run(x.data(), 1);
  const StartupTimings t = net.startup();
  // At-once start: conv2d_at_once, conv1x1, one pipeline per pool window whatever the rows'
  // widths (max 3x3/2, average 3x3/1), the global average pool.
  EXPECT_EQ(t.pipelines, 5);
  EXPECT_EQ(t.winogradConvolutions, 0);  // a small model: its at-once start lowers nothing
  EXPECT_LE(t.shaderModules, t.pipelines);
  EXPECT_GT(t.pipelineCompileMs, 0.0);
  EXPECT_GT(t.firstRunMs, 0.0);
  EXPECT_GE(t.programMs, 0.0);
  // Each pipeline once, slowest first, named by its shader build and specialization; their
  // times are the ones pipelineCompileMs sums (in another order: 1e-9 relative for rounding).
  ASSERT_EQ(t.pipelineTimes.size(), size_t(t.pipelines));
  std::set<std::string> kernels;
  double summed = 0;
  for (size_t i = 0; i < t.pipelineTimes.size(); ++i) {
    const PipelineTiming& p = t.pipelineTimes[i];
    kernels.insert(p.kernel);
    summed += p.ms;
    EXPECT_GE(p.ms, 0.0) << p.kernel;
    if (i > 0) {
      EXPECT_LE(p.ms, t.pipelineTimes[i - 1].ms) << p.kernel;
    }
  }
  EXPECT_EQ(kernels.size(), t.pipelineTimes.size());
  EXPECT_EQ(kernels.count("global_avgpool [64,1,1]"), 1u);
  EXPECT_NEAR(summed, t.pipelineCompileMs, 1e-9 * t.pipelineCompileMs);
  net.run(x.data(), 1);
  EXPECT_EQ(net.startup().firstRunMs, t.firstRunMs);  // the first run's, kept
}

// NetworkOptions::progress: every step in order, the counted ones up to their totals, the
// pipelines' total that of startup(); nothing more once the first run has begun.
TEST(StartupProgress, ReportsEveryStepInOrder) {
  Context context(freshContext());
  NetworkOptions options = bundledAtOnce();
  std::vector<std::tuple<std::string, int, int>> calls;
  std::mutex mutex;
  options.progress = [&](const StartupProgress& p) {
    std::lock_guard<std::mutex> lock(mutex);
    calls.emplace_back(p.step, p.done, p.total);
  };
  Network net = Network::load(context, "inception_resnet_v2", options);
  const std::vector<float> x = io::detweightsInput({1, 3, 75, 75});
  net.run(x.data(), 1);
  const size_t afterFirstRun = calls.size();
  net.run(x.data(), 1);
  EXPECT_EQ(calls.size(), afterFirstRun);

  std::vector<std::string> steps;  // each step once, in order of first report
  std::map<std::string, std::pair<int, int>> last;
  for (const auto& [step, done, total] : calls) {
    if (steps.empty() || steps.back() != step) steps.push_back(step);
    if (last.count(step)) {
      EXPECT_GT(done, last[step].first) << step << " went back";
    }
    last[step] = {done, total};
  }
  const std::vector<std::string> expected = {"reading weights", "packing and uploading weights",
                                             "creating pipelines", "first run"};
  EXPECT_EQ(steps, expected);
  EXPECT_GT(last["packing and uploading weights"].second, 50);  // the model's 74 layers
  EXPECT_EQ(last["packing and uploading weights"].first,
            last["packing and uploading weights"].second);
  EXPECT_EQ(last["creating pipelines"].first, net.startup().pipelines);
  EXPECT_EQ(last["creating pipelines"].second, net.startup().pipelines);
}

}  // namespace
}  // namespace vkc::test
