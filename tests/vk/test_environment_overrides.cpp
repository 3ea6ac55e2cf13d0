// The environment variables CI re-runs tests under (tests/CMakeLists.txt, tools/run-tests.sh)
// took effect on the shared test device: each ctest entry run under one includes the matching
// test here in its filter, and the plain suite runs them with the variables unset, where they
// assert the defaults. A misspelt or unknown value fails instead of being ignored. And the one
// parse of every variable (src/api/environment.hpp) on values given by hand: each value taken,
// each wrong one refused by name, explicit options winning, the overrides reaching a device and a
// Context, and every variable in docs/portability.md's table.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "api/environment.hpp"
#include "support/scoped_env.hpp"
#include "support/vulkan_env.hpp"
#include "vk/device.hpp"
#include "vk/device_profiles.hpp"
#include "vkception/error.hpp"
#include "vkception/vkception.hpp"

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
// Vulkan 1.1 core minimum (vk::clampToVulkan11Minimum) without optional features.
// VKC_LIMITS=<profile>: read as that GPU (vk/device_profiles.hpp): its vendor and subgroup size.
// Unset: the device's own limits, as the driver reports them.
TEST(Environment, LimitsOverrideTookEffect) {
  const std::string limits = env("VKC_LIMITS");
  const vk::Device& device = sharedDevice();
  const vk::DeviceInfo& info = device.info();
  if (limits == "minimum") {
    EXPECT_TRUE(info.minimumLimits) << "VKC_LIMITS=minimum did not take effect";
    EXPECT_EQ(info.maxTexelBufferElements, 65536u);
    EXPECT_EQ(info.maxStorageBufferRange, uint64_t{1} << 27);
    EXPECT_EQ(info.maxPerStageStorageBuffers, 4u);
    EXPECT_EQ(info.maxPushConstantsBytes, 128u);
    EXPECT_FALSE(info.shaderFloat16);
    EXPECT_FALSE(device.policy().fp16);
  } else if (const vk::DeviceProfile* profile = vk::findDeviceProfile(limits)) {
    EXPECT_FALSE(info.minimumLimits);
    EXPECT_EQ(info.vendorId, profile->gpu.vendorId) << "VKC_LIMITS=" << limits;
    EXPECT_EQ(info.subgroupSize, profile->gpu.subgroupSize) << "VKC_LIMITS=" << limits;
    EXPECT_LE(info.maxSharedMemoryBytes, profile->gpu.maxSharedMemoryBytes);
    EXPECT_NE(info.name.find(" as " + limits), std::string::npos) << info.name;
  } else {
    ASSERT_EQ(limits, "");
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

// The parse (src/api/environment.hpp) on variables given by hand: each value each variable takes.
Environment parsed(const std::map<std::string, std::string>& vars) {
  return parseEnvironment([&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(Environment, ParsesEachVariable) {
  const Environment none = parsed({});
  EXPECT_EQ(none.device, -1);
  EXPECT_FALSE(none.validation);
  EXPECT_FALSE(none.minimumLimits);
  EXPECT_EQ(none.profile, "");
  EXPECT_FALSE(none.storageReads);
  EXPECT_FALSE(none.uniformTexelReads);
  EXPECT_FALSE(none.convKernel.has_value());
  EXPECT_EQ(none.assetsDir, "");
  EXPECT_EQ(none.cacheHome, "");

  const Environment set = parsed({{"VKC_DEVICE", "2"},
                                  {"VKC_VALIDATION", "1"},
                                  {"VKC_LIMITS", "minimum"},
                                  {"VKC_READS", "storage"},
                                  {"VKC_CONV_KERNEL", "igemm"},
                                  {"VKC_ASSETS_DIR", "/a"},
                                  {"XDG_CACHE_HOME", "/x"},
                                  {"HOME", "/h"}});
  EXPECT_EQ(set.device, 2);
  EXPECT_TRUE(set.validation);
  EXPECT_TRUE(set.minimumLimits);
  EXPECT_EQ(set.profile, "");
  EXPECT_TRUE(set.storageReads);
  EXPECT_FALSE(set.uniformTexelReads);
  EXPECT_EQ(set.convKernel, vk::ConvKernel::Igemm);
  EXPECT_EQ(set.assetsDir, "/a");
  EXPECT_EQ(set.cacheHome, "/x");

  EXPECT_FALSE(parsed({{"VKC_VALIDATION", "0"}}).validation);
  EXPECT_TRUE(parsed({{"VKC_READS", "uniform-texel"}}).uniformTexelReads);
  EXPECT_EQ(parsed({{"VKC_CONV_KERNEL", "blocked"}}).convKernel, vk::ConvKernel::Blocked);
  EXPECT_EQ(parsed({{"HOME", "/h"}}).cacheHome, "/h/.cache");
  for (const char* profile : {"v3d", "adreno6xx", "mali_valhall", "powervr_rogue", "apple_m1"}) {
    const Environment emulated = parsed({{"VKC_LIMITS", profile}});
    EXPECT_EQ(emulated.profile, profile);
    EXPECT_FALSE(emulated.minimumLimits);
  }
  // Empty is unset.
  const Environment empty = parsed({{"VKC_DEVICE", ""}, {"VKC_READS", ""}, {"VKC_LIMITS", ""}});
  EXPECT_EQ(empty.device, -1);
  EXPECT_FALSE(empty.storageReads);
  EXPECT_FALSE(empty.minimumLimits);
}

TEST(Environment, RejectsValuesAVariableDoesNotTake) {
  const std::pair<const char*, const char*> bad[] = {
      {"VKC_DEVICE", "-1"},         {"VKC_DEVICE", "first"},     {"VKC_VALIDATION", "yes"},
      {"VKC_LIMITS", "mali"},       {"VKC_READS", "texel"},      {"VKC_CONV_KERNEL", "gemm"},
      {"VKC_CONV_KERNEL", "IGEMM"}, {"VKC_DEVICE", "9999999999"}};
  for (const auto& [name, value] : bad) {
    try {
      parsed({{name, value}});
      ADD_FAILURE() << name << "=" << value << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::BadArgument);
      const std::string message = e.what();
      EXPECT_NE(message.find(std::string(name) + "='" + value + "'"), std::string::npos) << message;
      for (const EnvironmentVariable& v : environmentVariables()) {
        if (v.name == name) {
          EXPECT_NE(message.find(v.values), std::string::npos) << message;
        }
      }
    }
  }
  const std::string accepted = [] {
    for (const EnvironmentVariable& v : environmentVariables()) {
      if (v.name == "VKC_LIMITS") return v.values;
    }
    return std::string();
  }();
  EXPECT_EQ(accepted, "minimum|v3d|adreno6xx|mali_valhall|powervr_rogue|apple_m1");
}

// Explicit options win; the environment fills what they leave open.
TEST(Environment, AppliedWhereTheOptionsLeaveItOpen) {
  const Environment env = parsed({{"VKC_DEVICE", "2"},
                                  {"VKC_VALIDATION", "1"},
                                  {"VKC_LIMITS", "v3d"},
                                  {"VKC_READS", "uniform-texel"},
                                  {"VKC_CONV_KERNEL", "igemm"},
                                  {"XDG_CACHE_HOME", "/x"}});
  vk::DeviceOptions open;
  applyEnvironment(env, open);
  EXPECT_EQ(open.deviceIndex, 2);
  EXPECT_TRUE(open.validation);
  EXPECT_EQ(open.profile, "v3d");
  EXPECT_FALSE(open.storageReads);
  EXPECT_TRUE(open.uniformTexelReads);
  EXPECT_EQ(open.convKernel, vk::ConvKernel::Igemm);
  EXPECT_EQ(open.cacheHome, "/x");

  vk::DeviceOptions given;
  given.deviceIndex = 0;
  given.profile = "apple_m1";
  given.storageReads = true;
  given.minimumLimits = true;
  given.convKernel = vk::ConvKernel::Blocked;
  given.cacheHome = "/c";
  applyEnvironment(env, given);
  EXPECT_EQ(given.deviceIndex, 0);
  EXPECT_EQ(given.profile, "apple_m1");
  EXPECT_TRUE(given.storageReads);
  EXPECT_TRUE(given.uniformTexelReads);
  EXPECT_TRUE(given.minimumLimits);
  EXPECT_EQ(given.convKernel, vk::ConvKernel::Blocked);
  EXPECT_EQ(given.cacheHome, "/c");
}

// The overrides reach a device made as the tests make theirs, and a Context, where its options
// leave them open.
TEST(Environment, OverridesTakeEffectOnDevicesAndContexts) {
  {
    ScopedEnv reads("VKC_READS", "storage");
    ScopedEnv kernel("VKC_CONV_KERNEL", "igemm");
    ScopedEnv limits("VKC_LIMITS", "mali_valhall");
    vk::DeviceOptions options;
    options.pipelineCacheOnDisk = false;
    const std::unique_ptr<vk::Device> device = makeDevice(options);
    EXPECT_EQ(device->info().vendorId, 0x13B5u) << "VKC_LIMITS=mali_valhall";
    EXPECT_EQ(device->policy().deviceClass, vk::DeviceClass::ArmMali);
    EXPECT_TRUE(device->policy().storageReads) << "VKC_READS=storage";
    EXPECT_EQ(device->policy().convKernel, vk::ConvKernel::Igemm) << "VKC_CONV_KERNEL=igemm";
  }
  auto policyLine = [](const Context& context, const std::string& name) {
    for (const auto& [key, value] : context.device().policy) {
      if (key == name) return value;
    }
    return std::string();
  };
  ScopedEnv kernel("VKC_CONV_KERNEL", "igemm");
  ContextOptions options;
  options.pipelineCache = false;
  EXPECT_EQ(policyLine(Context(options), "conv_kernel"), "igemm");
  options.convKernel = ConvKernel::Blocked;
  EXPECT_EQ(policyLine(Context(options), "conv_kernel"), "blocked") << "the option wins";
  ScopedEnv bad("VKC_READS", "storage-buffers");
  try {
    Context context(options);
    FAIL() << "VKC_READS=storage-buffers was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadArgument);
    EXPECT_NE(std::string(e.what()).find("VKC_READS='storage-buffers'"), std::string::npos)
        << e.what();
  }
}

// Every variable is in the table of docs/portability.md.
TEST(Environment, EveryVariableIsDocumented) {
  std::ifstream file(std::string(VKC_ASSETS_DIR) + "/../docs/portability.md");
  ASSERT_TRUE(file) << "docs/portability.md not found beside " << VKC_ASSETS_DIR;
  std::stringstream text;
  text << file.rdbuf();
  for (const EnvironmentVariable& v : environmentVariables()) {
    EXPECT_NE(text.str().find("| `" + v.name), std::string::npos)
        << v.name << " is not in docs/portability.md's table";
  }
}

}  // namespace
}  // namespace vkc::test
