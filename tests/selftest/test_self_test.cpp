// The on-device self-test (vkception/self_test.hpp): a kernel made to write nothing
// (vk::setCorruptKernel, VKC_TEST_CORRUPT_VARIANT) must be named failed, the plan must avoid it,
// and a network loaded afterwards must still match its fp64 goldens; stored results of another
// driver version, and files that do not parse, must be ignored.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "ops/elementwise.hpp"
#include "ops/pool2d.hpp"
#include "selftest/self_test.hpp"
#include "selftest/store.hpp"
#include "support/compare.hpp"
#include "support/golden.hpp"
#include "vk/fault_injection.hpp"
#include "vkception/data.hpp"
#include "vkception/self_test.hpp"

namespace vkc::test {
namespace {

namespace fs = std::filesystem;

// A fresh folder for one test's pipeline cache and stored results.
std::string freshCacheDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("vkc-selftest-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// lavapipe's own family unless `family` says otherwise, whatever VKC_CONV_KERNEL says: the
// variants these tests corrupt are the ones that family takes.
ContextOptions optionsIn(const std::string& dir, ConvKernel family = ConvKernel::Blocked) {
  ContextOptions options;
  options.pipelineCachePath = dir + "/pipelines.bin";
  options.convKernel = family;
  return options;
}

// The corrupt kernel is process-wide: every test leaves none behind.
class SelfTest : public testing::Test {
 protected:
  void TearDown() override { vk::setCorruptKernel(""); }
};

// inception_v4 at 75x75 through the public API, against the upstream fp64 logits.
void expectV4MatchesGoldens(Context& context, const NetworkOptions& base = {}) {
  NetworkOptions options = base;
  options.inputSize = 75;
  Network network = Network::load(context, "inception_v4", options);
  const std::vector<float> logits = network.run(testInput(2, 75).data(), 2);
  const std::vector<double> want = readF64(goldenDir("inception_v4") + "/logits75.f64");
  ASSERT_EQ(want.size(), logits.size());
  const TensorError error = compareTensors(want, logits);
  // kFp32LogitBound (support/golden.hpp): a kernel that wrote nothing moves logits by O(1).
  EXPECT_TRUE(withinRelative(error, kFp32LogitBound)) << describe(error);
}

TEST_F(SelfTest, EveryVariantPassesOnAnHonestDevice) {
  Context context(optionsIn(freshCacheDir("honest")));
  const SelfTestReport report = selfTest(context);
  int passed = 0;
  for (const VariantResult& v : report.variants) {
    EXPECT_NE(v.status, VariantStatus::Failed) << v.name << ": " << v.reason;
    passed += v.status == VariantStatus::Passed;
  }
  // At least the policy's conv1x1, segments, at-once, linear, Winograd and small-op builds.
  EXPECT_GE(passed, 12);
  EXPECT_TRUE(report.passed());
}

class CorruptVariant : public SelfTest, public testing::WithParamInterface<std::string> {};

// The variant named by the self-test, the network loaded afterwards on a fallback.
TEST_P(CorruptVariant, IsNamedAvoidedAndTheNetworkStillMatches) {
  const std::string variant = GetParam();
  vk::setCorruptKernel(variant);
  Context context(optionsIn(freshCacheDir("named-" + variant)));
  const SelfTestReport report = selfTest(context);
  bool named = false;
  for (const VariantResult& v : report.variants) {
    if (v.name != variant) continue;
    named = true;
    EXPECT_EQ(v.status, VariantStatus::Failed) << v.name << " " << v.reason;
  }
  EXPECT_TRUE(named) << variant << " is not a variant the report lists";
  EXPECT_FALSE(report.passed());
  expectV4MatchesGoldens(context);
}

// No explicit self-test: the load tests what it takes (NetworkOptions::selfTest Auto).
TEST_P(CorruptVariant, LoadTestsFirstAndTheNetworkStillMatches) {
  const std::string variant = GetParam();
  vk::setCorruptKernel(variant);
  Context context(optionsIn(freshCacheDir("load-" + variant)));
  NetworkOptions options;
  options.selfTest = SelfTestAtLoad::Always;  // whatever VKC_SELF_TEST says
  expectV4MatchesGoldens(context, options);
}

// Builds inception_v4 takes on lavapipe's policy: 1x1 convolutions, line segments, Winograd's
// transforms, pools, the global pool (whose fallback is pool2d) and the classifier.
INSTANTIATE_TEST_SUITE_P(Lavapipe, CorruptVariant,
                         testing::Values("conv1x1_st", "conv2d_segments_st", "winograd_output_st",
                                         "pool2d_st", "global_avgpool", "linear_st"));

// The mobile GPUs' family: its texel build dropped, the load takes its storage build.
TEST_F(SelfTest, RegisterTilesFallBackToAnotherReadPath) {
  vk::setCorruptKernel("conv2d_regtile_st");
  Context context(optionsIn(freshCacheDir("regtile"), ConvKernel::Regtile));
  NetworkOptions options;
  options.selfTest = SelfTestAtLoad::Always;
  expectV4MatchesGoldens(context, options);
}

TEST_F(SelfTest, TheCorruptionIsVisibleWithoutTheSelfTest) {
  // The fault hook itself: with the self-test off, the corrupted network must miss its goldens
  // (or this file's other tests would pass with a hook that does nothing).
  vk::setCorruptKernel("conv2d_segments_st");
  Context context(optionsIn(freshCacheDir("visible")));
  NetworkOptions options;
  options.inputSize = 75;
  options.selfTest = SelfTestAtLoad::Off;
  Network network = Network::load(context, "inception_v4", options);
  const std::vector<float> logits = network.run(testInput(2, 75).data(), 2);
  const TensorError error =
      compareTensors(readF64(goldenDir("inception_v4") + "/logits75.f64"), logits);
  EXPECT_FALSE(withinRelative(error, kFp32LogitBound)) << describe(error);
}

TEST_F(SelfTest, StoredResultsOfAnotherDriverVersionAreIgnored) {
  const std::string dir = freshCacheDir("driver");
  {
    vk::setCorruptKernel("pool2d_st");
    Context context(optionsIn(dir));
    selfTest(context);
  }
  vk::setCorruptKernel("");
  // The stored failure under another key (corrupt_variant, and then the driver version) no
  // longer applies: a fresh load tests again and finds nothing wrong.
  const fs::path stored = dir + "/pipelines.selftest.json";
  ASSERT_TRUE(fs::exists(stored));
  nlohmann::json j = nlohmann::json::parse(std::ifstream(stored));
  j["key"]["corrupt_variant"] = "";
  j["key"]["driver_version"] = j["key"]["driver_version"].get<uint32_t>() + 1;
  std::ofstream(stored) << j.dump();
  vk::DeviceOptions deviceOptions;
  deviceOptions.pipelineCachePath = dir + "/pipelines.bin";
  vk::Device device(deviceOptions);
  selftest::ensureTested(
      device, selftest::loadConfigurations(device, ops::Precision::Fp32, false, true), false);
  EXPECT_TRUE(device.policy().verdicts->failures().empty());
  // Written again under this driver's key.
  nlohmann::json again = nlohmann::json::parse(std::ifstream(stored));
  EXPECT_EQ(again["key"]["driver_version"].get<uint32_t>(), device.info().driverVersion);
}

TEST_F(SelfTest, ACorruptResultFileIsIgnoredWithAWarning) {
  const std::string dir = freshCacheDir("corrupt-file");
  std::ofstream(dir + "/pipelines.selftest.json") << "{\"format\": 1, \"key\": [tru";
  vk::DeviceOptions deviceOptions;
  deviceOptions.pipelineCachePath = dir + "/pipelines.bin";
  vk::Device device(deviceOptions);
  testing::internal::CaptureStderr();
  EXPECT_FALSE(selftest::loadStored(device).has_value());
  const std::string warning = testing::internal::GetCapturedStderr();
  EXPECT_NE(warning.find("ignoring the self-test results"), std::string::npos) << warning;
  EXPECT_NE(warning.find("pipelines.selftest.json"), std::string::npos) << warning;
}

TEST_F(SelfTest, NothingCorrectLeftIsAnErrorNamingDeviceDriverAndVariant) {
  // softmax has one build per precision and no fallback; pool2d has three read paths.
  vk::DeviceOptions deviceOptions;
  deviceOptions.pipelineCacheOnDisk = false;
  vk::Device device(deviceOptions);
  vk::KernelVerdicts& verdicts = *device.policy().verdicts;
  verdicts.fail("softmax", "made up by the test");
  for (const char* build : {"pool2d", "pool2d_st", "pool2d_sr"})
    verdicts.fail(build, "made up");
  auto expectNamed = [&](const std::function<void()>& make, const std::string& variant) {
    try {
      make();
      ADD_FAILURE() << "a dispatch of " << variant << " was made";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.code(), ErrorCode::UnsupportedDevice) << what;
      EXPECT_NE(what.find(variant), std::string::npos) << what;
      EXPECT_NE(what.find(device.info().name), std::string::npos) << what;
      EXPECT_NE(what.find(vk::driverVersionString(device.info())), std::string::npos) << what;
    }
  };
  const ops::TensorRef tensor = ops::sliceRef(VK_NULL_HANDLE, 0, 256, 1, 10, 3, 3, 0);
  const ops::TensorRef row = ops::sliceRef(VK_NULL_HANDLE, 0, 256, 1, 10, 1, 1, 0);
  expectNamed([&] { ops::softmaxDispatch(device.kernels(), row, row); }, "softmax");
  expectNamed(
      [&] {
        ops::pool2dDispatch(device.kernels(), device.info(), tensor, {3, 1, 1}, ops::PoolMode::Max,
                            tensor);
      },
      "pool2d_sr");
}

}  // namespace
}  // namespace vkc::test
