#pragma once
// The environment variables the library reads, all of them, parsed in one place. They are read
// at the API edge only (Context creation, vkc::devices(), vkc::assetsDir()) and applied into the
// options there, where an explicit option wins; below the API the device, its limits and its
// policy are functions of their options alone. An empty value is the same as unset; any value a
// variable does not take throws vkc::Error (BadArgument) naming the variable and the values it
// takes. The test binary makes its devices through the same functions
// (tests/support/vulkan_env.hpp).
//
// A new variable: a field here, a row in environment.cpp's table, and where it applies.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vk/device.hpp"
#include "vk/device_policy.hpp"
#include "vkception/vkception.hpp"

namespace vkc {

struct Environment {
  // VKC_DEVICE=N: the device index (as vkc-info lists it) where ContextOptions::device is -1;
  // -1: unset.
  int device = -1;
  // VKC_VALIDATION=1|0: 1 turns the Khronos validation layer on for every Context and
  // vkc::devices() call, whatever ContextOptions::validation says; 0 leaves it to the options.
  bool validation = false;
  // VKC_LIMITS=minimum: every device limit read as the Vulkan 1.1 minimum
  // (ContextOptions::minimumLimits, vk::clampToVulkan11Minimum).
  bool minimumLimits = false;
  // VKC_LIMITS=<profile> (v3d, adreno6xx, mali_valhall, powervr_rogue, apple_m1): that GPU's
  // limits emulated (vk/device_profiles.hpp, vk::DeviceOptions::profile); empty: none.
  std::string profile;
  // VKC_READS=storage: every dispatch reads through storage buffers (DevicePolicy::storageReads).
  bool storageReads = false;
  // VKC_READS=uniform-texel: texel reads through uniform texel buffers, the GPUs' path, where
  // the policy would take storage texel buffers (DevicePolicy::texelBinding).
  bool uniformTexelReads = false;
  // VKC_CONV_KERNEL=blocked|igemm|...: the direct convolutions' kernel family
  // (DevicePolicy::convKernel) where ContextOptions::convKernel is Auto.
  std::optional<vk::ConvKernel> convKernel;
  // VKC_ASSETS_DIR=DIR: where the bundled models, labels and samples are (vkc::assetsDir),
  // before setAssetsDir's folder.
  std::string assetsDir;
  // VKC_SELF_TEST=off|auto|always: NetworkOptions::selfTest where it is Auto.
  SelfTestAtLoad selfTest = SelfTestAtLoad::Auto;
  // VKC_TEST_CORRUPT_VARIANT=NAME (tests only): every dispatch of the shader build NAME is
  // dropped (vk::setCorruptKernel), for the self-test to catch; empty: none.
  std::string corruptVariant;
  // XDG_CACHE_HOME, else HOME/.cache: the folder the pipeline cache file goes under
  // (ContextOptions::pipelineCache); empty where neither is set.
  std::string cacheHome;
};

// One variable the library reads: its name, the values it takes, what it overrides.
struct EnvironmentVariable {
  std::string name;
  std::string values;
  std::string overrides;
};
// Every variable parseEnvironment reads, in its table's order.
std::vector<EnvironmentVariable> environmentVariables();

// The variables as `lookup` gives them (nullptr: unset), parsed. Throws vkc::Error (BadArgument)
// for a value a variable does not take.
Environment parseEnvironment(const std::function<const char*(const char*)>& lookup);
// The process's environment, parsed (each call reads it again).
Environment processEnvironment();

// What the environment sets, where `options` leaves it open: validation, minimum limits and the
// two read overrides are or-ed in; the device index where it is -1, the profile where it is
// empty, the kernel family where unset, the cache folder where empty.
void applyEnvironment(const Environment& env, vk::DeviceOptions& options);
// The policy overrides the environment asks for (vkc::devices() describes each device with them).
vk::PolicyOverrides policyOverrides(const Environment& env);

}  // namespace vkc
