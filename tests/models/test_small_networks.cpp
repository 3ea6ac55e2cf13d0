// The four networks at their smallest input, 75x75 (the valid-padding chain 75 -> 37 -> 35 ->
// 17 -> 15 -> 7 -> 3 -> 1), against fp64 logits from the upstream model code (logits75.f64,
// tests/golden/README.md): the golden networks' code paths at a size that also runs under the
// sanitizers, where the 299x299 goldens are too slow (docs/reliability.md, "Sanitizers"). Built
// from detweights like the goldens, Winograd-lowered as the library runs them, batch 2.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "graph/program.hpp"
#include "graph/winograd_lowering.hpp"
#include "io/detweights.hpp"
#include "models/models.hpp"
#include "support/compare.hpp"
#include "support/golden.hpp"
#include "support/gpu_runner.hpp"
#include "support/vulkan_env.hpp"
#include "vk/device_profiles.hpp"

namespace vkc::test {
namespace {

// The network `name` at 75x75, batch 2, on `device` against the upstream fp64 logits: fails the
// test unless within kFp32LogitBound of the largest logit. Winograd-lowered, or with every
// convolution direct.
void expectSmallNetworkMatches(vk::Device& device, const std::string& name, bool winograd = true) {
  auto weights = io::makeDetWeights();
  models::ModelConfig config;
  config.inputSize = 75;
  const models::Model model = models::buildModel(name, *weights, config);
  graph::Graph lowered = model.graph;
  if (winograd) {
    EXPECT_GT(graph::lowerToWinograd(lowered), 0);
  }
  const int batch = 2;
  graph::WeightStore store(device, lowered);
  graph::Program program(device, lowered, store, batch);
  if (device.policy().convKernel == vk::ConvKernel::Igemm) {
    // The smallest layers' few tiles (at 16 cores assumed) split K: the reduce runs too.
    EXPECT_GT(program.stats().splitConvolutions, 0);
    std::printf("[ small network ] %s: %d convolutions split K, %.2f MiB workspace\n", name.c_str(),
                program.stats().splitConvolutions, program.stats().workspaceBytes / 1048576.0);
  }
  const std::vector<float> input = io::detweightsInput({batch, 3, 75, 75});
  std::vector<float> logits(program.outputCount());
  program.run(input.data(), logits.data());
  const std::vector<double> want = readF64(goldenDir(name) + "/logits75.f64");
  ASSERT_EQ(want.size(), logits.size());
  const TensorError error = compareTensors(want, logits);
  std::printf("[ small network ] %s at 75 on %s: max |err| %.3g of max |logit| %.3g (%.3g)\n",
              name.c_str(), device.info().name.c_str(), error.maxError, error.maxReference,
              error.maxError / error.maxReference);
  // 1e-5: at 75 PyTorch's own fp32 lands 0.8e-6 to 1.7e-6 of max|logit|, ours 1.3e-6 to 1.8e-6.
  EXPECT_TRUE(withinRelative(error, kFp32LogitBound)) << name << " at 75x75";
}

class SmallNetworkTest : public testing::TestWithParam<std::string> {};

TEST_P(SmallNetworkTest, LogitsMatchUpstream) {
  expectSmallNetworkMatches(sharedDevice(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Models, SmallNetworkTest,
                         testing::Values("inception_v4", "inception_resnet_v2",
                                         "inception_resnet_v1", "inception_v3"));

// The four networks, each on lavapipe's limits and at the Vulkan 1.1 minimum, for the forced
// families' tests; named "<network>" or "<network>_minimum_limits".
const std::vector<std::string> kNetworks = {"inception_v4", "inception_resnet_v2",
                                            "inception_resnet_v1", "inception_v3"};
std::string networkAndLimitsName(
    const testing::TestParamInfo<std::tuple<std::string, bool>>& info) {
  return std::get<0>(info.param) + (std::get<1>(info.param) ? "_minimum_limits" : "");
}

// The implicit GEMM (ops/conv_plan.hpp) forced for every convolution, none lowered to Winograd:
// the four networks, on lavapipe's limits and at the Vulkan 1.1 minimum (16 KiB of shared
// memory, 128 invocations), whose tiles differ.
class SmallNetworkIgemmTest : public testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(SmallNetworkIgemmTest, LogitsMatchUpstream) {
  const auto& [name, minimumLimits] = GetParam();
  expectSmallNetworkMatches(sharedDevice(false, minimumLimits, false, vk::ConvKernel::Igemm), name,
                            false);
}

INSTANTIATE_TEST_SUITE_P(Models, SmallNetworkIgemmTest,
                         testing::Combine(testing::ValuesIn(kNetworks), testing::Bool()),
                         networkAndLimitsName);

// The register-tiled implicit GEMM (ops/conv_plan.hpp, the mobile GPUs' family) forced for every
// convolution, none lowered to Winograd: the four networks on lavapipe (storage texel reads) and
// at the Vulkan 1.1 minimum (uniform texel reads, workgroups of at most 64 invocations).
class SmallNetworkRegtileTest : public testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(SmallNetworkRegtileTest, LogitsMatchUpstream) {
  const auto& [name, minimumLimits] = GetParam();
  vk::Device& device = sharedDevice(false, minimumLimits, false, vk::ConvKernel::Regtile);
  ASSERT_EQ(device.policy().convKernel, vk::ConvKernel::Regtile);
  expectSmallNetworkMatches(device, name, false);
}

INSTANTIATE_TEST_SUITE_P(Models, SmallNetworkRegtileTest,
                         testing::Combine(testing::ValuesIn(kNetworks), testing::Bool()),
                         networkAndLimitsName);

// The GPUs no one here can run (vk/device_profiles.hpp), emulated: their limits, device class
// (so their policy: workgroup width, Winograd bound, submit budget, driver-bug workarounds) and
// subgroup sizes 4 to 128 (workgroup widths 8 to 64), one network with every op kind at 75x75.
// Each distinct width compiles its own pipelines: the sweep runs on the tightest profile only.
// The profiles' own family is the register tiles (Winograd-lowered layers aside); a family
// forced runs every convolution direct.
struct ProfileCase {
  std::string profile;
  uint32_t subgroupSize;  // 0: the profile's own
  std::optional<vk::ConvKernel> family;
};

class DeviceProfileTest : public testing::TestWithParam<ProfileCase> {};

TEST_P(DeviceProfileTest, SmallNetworkMatchesUpstream) {
  vk::DeviceOptions options;
  options.validation = true;
  options.pipelineCacheOnDisk = false;
  options.profile = GetParam().profile;
  options.profileSubgroupSize = GetParam().subgroupSize;
  const bool forced = GetParam().family.has_value();
  if (forced) options.convKernel = GetParam().family;
  std::unique_ptr<vk::Device> made = makeDevice(options);
  vk::Device& device = *made;
  const vk::DeviceProfile& profile = *vk::findDeviceProfile(options.profile);
  const uint32_t subgroup =
      options.profileSubgroupSize ? options.profileSubgroupSize : profile.gpu.subgroupSize;
  ASSERT_EQ(device.info().subgroupSize, subgroup);
  EXPECT_LE(device.policy().convWorkgroupWidth, device.info().maxWorkgroupInvocations);
  if (!withEnvironment(options).convKernel) {  // every profile is a mobile GPU
    EXPECT_EQ(device.policy().convKernel, vk::ConvKernel::Regtile);
  }
  expectSmallNetworkMatches(device, "inception_resnet_v1", !forced);
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, DeviceProfileTest,
    testing::Values(ProfileCase{"v3d", 0}, ProfileCase{"adreno6xx", 0},
                    ProfileCase{"mali_valhall", 0}, ProfileCase{"powervr_rogue", 0},
                    ProfileCase{"apple_m1", 0}, ProfileCase{"v3d", 4}, ProfileCase{"v3d", 32},
                    ProfileCase{"v3d", 64}, ProfileCase{"mali_valhall", 0, vk::ConvKernel::Igemm},
                    ProfileCase{"adreno6xx", 0, vk::ConvKernel::Regtile}),
    [](const testing::TestParamInfo<ProfileCase>& info) {
      return info.param.profile + "_subgroup" +
             std::to_string(info.param.subgroupSize
                                ? info.param.subgroupSize
                                : vk::findDeviceProfile(info.param.profile)->gpu.subgroupSize) +
             (info.param.family ? std::string("_") + vk::convKernelName(*info.param.family) : "");
    });

}  // namespace
}  // namespace vkc::test
