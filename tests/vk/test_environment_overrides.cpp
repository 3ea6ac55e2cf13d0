// The environment variables CI re-runs tests under (tests/CMakeLists.txt, tools/run-tests.sh)
// took effect on the shared test device: each ctest entry run under one includes the matching
// test here in its filter, and the plain suite runs them with the variables unset, where they
// assert the defaults. A misspelt or unknown value fails instead of being ignored.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "support/vulkan_env.hpp"
#include "vk/device.hpp"

namespace vkc::test {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string driverBugs(const vk::DevicePolicy& policy) {
  std::string ids;
  for (const vk::DriverBug* bug : policy.driverBugs)
    ids += std::string(" ") + bug->id;
  return ids.empty() ? " none" : ids;
}

// VKC_READS=storage (storage_reads.*): every dispatch reads through storage buffers.
// VKC_READS=uniform-texel: texel reads through uniform texel buffers. Unset: texel reads, the
// default on every device class (DevicePolicy::storageReads).
TEST(Environment, ReadsOverrideTookEffect) {
  const std::string reads = env("VKC_READS");
  const vk::DevicePolicy& policy = sharedDevice().policy();
  if (reads == "storage") {
    EXPECT_TRUE(policy.storageReads)
        << "VKC_READS=storage did not take effect; driver bugs:" << driverBugs(policy);
  } else if (reads == "uniform-texel") {
    EXPECT_FALSE(policy.storageReads);
    EXPECT_EQ(policy.texelBinding, vk::TexelBinding::Uniform)
        << "VKC_READS=uniform-texel did not take effect";
  } else {
    ASSERT_EQ(reads, "") << "VKC_READS='" << reads
                         << "' is not a value the library reads (storage, uniform-texel)";
    EXPECT_FALSE(policy.storageReads) << "storage reads on without VKC_READS=storage";
  }
}

// VKC_LIMITS=minimum (minimum_limits.*, cli.minimum_limits.*): the device is read at the
// Vulkan 1.1 core minimum (vk::clampToVulkan11Minimum) without optional features. Unset: the
// device's own limits, as the driver reports them.
TEST(Environment, LimitsOverrideTookEffect) {
  const std::string limits = env("VKC_LIMITS");
  const vk::Device& device = sharedDevice();
  const vk::DeviceInfo& info = device.info();
  if (limits == "minimum") {
    EXPECT_TRUE(info.minimumLimits) << "VKC_LIMITS=minimum did not take effect";
    EXPECT_EQ(info.maxTexelBufferElements, 65536u);
    EXPECT_EQ(info.maxStorageBufferRange, uint64_t{1} << 27);
    EXPECT_EQ(info.maxPerStageStorageBuffers, 4u);
    EXPECT_EQ(info.maxPushConstantsSize, 128u);
    EXPECT_FALSE(info.shaderFloat16);
    EXPECT_FALSE(device.policy().fp16);
  } else {
    ASSERT_EQ(limits, "") << "VKC_LIMITS='" << limits
                          << "': this test knows 'minimum' (profiles: Profiles/DeviceProfileTest)";
    EXPECT_FALSE(info.minimumLimits) << "minimum limits without VKC_LIMITS=minimum";
    const auto devices = vk::enumerateDevices(device.instance().handle());
    ASSERT_LT(info.index, devices.size());
    const vk::DeviceInfo& reported = devices[info.index];
    EXPECT_EQ(info.maxTexelBufferElements, reported.maxTexelBufferElements);
    EXPECT_EQ(info.maxStorageBufferRange, reported.maxStorageBufferRange);
    EXPECT_EQ(info.maxPerStageStorageBuffers, reported.maxPerStageStorageBuffers);
    EXPECT_EQ(info.shaderFloat16, reported.shaderFloat16);
  }
}

// VKC_CONV_KERNEL=blocked|igemm: the direct convolutions' family (vk::ConvKernel) forced on the
// shared device, as vkc-bench --conv-kernel and outside checks use it. Unset: the class's
// default, the register-blocked kernels on CPU drivers.
TEST(Environment, ConvKernelOverrideTookEffect) {
  const std::string kernel = env("VKC_CONV_KERNEL");
  const vk::Device& device = sharedDevice();
  const vk::DevicePolicy& policy = device.policy();
  if (!kernel.empty()) {
    EXPECT_STREQ(vk::convKernelName(policy.convKernel), kernel.c_str())
        << "VKC_CONV_KERNEL=" << kernel << " did not take effect";
  } else if (policy.deviceClass == vk::DeviceClass::CpuDriver) {
    EXPECT_EQ(policy.convKernel, vk::ConvKernel::Blocked);
  }
}

// VKC_REQUIRE_FP16=1 (tools/run-tests.sh, on lavapipe, which has fp16): the fp16 tests (the op
// variants *_fp16, Models/GoldenFp16Test) skip where the policy has no fp16, and this makes a
// device without it a failure. Unset: fp16 is optional, and the policy need only say why not.
TEST(Environment, Fp16AvailableWhenRequired) {
  const std::string required = env("VKC_REQUIRE_FP16");
  const vk::Device& device = sharedDevice();
  const vk::DevicePolicy& policy = device.policy();
  EXPECT_EQ(policy.fp16, policy.noFp16Reason.empty()) << policy.noFp16Reason;
  if (required == "1") {
    EXPECT_TRUE(policy.fp16) << "VKC_REQUIRE_FP16=1, but no fp16 on " << device.info().name << ": "
                             << policy.noFp16Reason;
  } else {
    ASSERT_TRUE(required.empty() || required == "0")
        << "VKC_REQUIRE_FP16='" << required << "': 1 or 0";
  }
}

}  // namespace
}  // namespace vkc::test
