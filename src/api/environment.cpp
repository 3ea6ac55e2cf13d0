#include "api/environment.hpp"

#include <cstdlib>

#include "vk/device_profiles.hpp"
#include "vkception/error.hpp"

namespace vkc {
namespace {

// A variable's documentation and its parser: false for a value it does not take.
struct Variable {
  EnvironmentVariable doc;
  std::function<bool(const std::string& value, Environment& env)> parse;
};

std::string limitsValues() {
  std::string values = "minimum";
  for (const vk::DeviceProfile& p : vk::deviceProfiles())
    values += "|" + p.name;
  return values;
}

std::string convKernelValues() {
  std::string values;
  for (vk::ConvKernel k : vk::allConvKernels())
    values += std::string(values.empty() ? "" : "|") + vk::convKernelName(k);
  return values;
}

// Every variable, in the order they are read (HOME after XDG_CACHE_HOME, which it falls back
// from).
const std::vector<Variable>& variables() {
  static const std::vector<Variable> table = {
      {{"VKC_DEVICE", "N (a device index, as vkc-info lists them)",
        "ContextOptions::device where it is -1: the device used"},
       [](const std::string& v, Environment& env) {
         if (v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) return false;
         env.device = std::stoi(v);
         return true;
       }},
      {{"VKC_VALIDATION", "1|0",
        "ContextOptions::validation: 1 turns the Khronos validation layer on for every Vulkan "
        "instance of the process"},
       [](const std::string& v, Environment& env) {
         env.validation = v == "1";
         return v == "1" || v == "0";
       }},
      {{"VKC_LIMITS", limitsValues(),
        "ContextOptions::minimumLimits (minimum: the Vulkan 1.1 core minimum), or an emulated "
        "GPU's limits (vk/device_profiles.hpp)"},
       [](const std::string& v, Environment& env) {
         if (v == "minimum") {
           env.minimumLimits = true;
           return true;
         }
         for (const vk::DeviceProfile& p : vk::deviceProfiles()) {
           if (p.name == v) env.profile = v;
         }
         return !env.profile.empty();
       }},
      {{"VKC_READS", "storage|uniform-texel",
        "the device policy's reads: storage buffers in every dispatch, or uniform texel buffers "
        "(the GPUs' path) where the policy would take storage texel buffers"},
       [](const std::string& v, Environment& env) {
         env.storageReads = v == "storage";
         env.uniformTexelReads = v == "uniform-texel";
         return env.storageReads || env.uniformTexelReads;
       }},
      {{"VKC_CONV_KERNEL", convKernelValues(),
        "ContextOptions::convKernel where it is Auto: the direct convolutions' kernel family"},
       [](const std::string& v, Environment& env) {
         for (vk::ConvKernel k : vk::allConvKernels()) {
           if (v == vk::convKernelName(k)) env.convKernel = k;
         }
         return env.convKernel.has_value();
       }},
      {{"VKC_ASSETS_DIR", "DIR",
        "vkc::setAssetsDir: where the bundled models, labels and samples are"},
       [](const std::string& v, Environment& env) {
         env.assetsDir = v;
         return true;
       }},
      {{"VKC_SELF_TEST", "off|auto|always",
        "NetworkOptions::selfTest where it is Auto: whether a load first tests its kernels on the "
        "device"},
       [](const std::string& v, Environment& env) {
         env.selfTest = v == "off"      ? SelfTestAtLoad::Off
                        : v == "always" ? SelfTestAtLoad::Always
                                        : SelfTestAtLoad::Auto;
         return v == "off" || v == "auto" || v == "always";
       }},
      {{"VKC_TEST_CORRUPT_VARIANT", "NAME",
        "tests only: the dispatches of the shader build NAME (as vkc-info --self-test names it) "
        "do not run, for the self-test to catch"},
       [](const std::string& v, Environment& env) {
         env.corruptVariant = v;
         return true;
       }},
      {{"XDG_CACHE_HOME", "DIR", "where the pipeline cache goes: DIR/vkception/"},
       [](const std::string& v, Environment& env) {
         env.cacheHome = v;
         return true;
       }},
      {{"HOME", "DIR", "without XDG_CACHE_HOME: the pipeline cache goes to DIR/.cache/vkception/"},
       [](const std::string& v, Environment& env) {
         if (env.cacheHome.empty()) env.cacheHome = v + "/.cache";
         return true;
       }},
  };
  return table;
}

}  // namespace

std::vector<EnvironmentVariable> environmentVariables() {
  std::vector<EnvironmentVariable> docs;
  for (const Variable& v : variables())
    docs.push_back(v.doc);
  return docs;
}

Environment parseEnvironment(const std::function<const char*(const char*)>& lookup) {
  Environment env;
  for (const Variable& v : variables()) {
    const char* value = lookup(v.doc.name.c_str());
    if (value == nullptr || *value == '\0') continue;
    if (!v.parse(value, env)) {
      throw Error(v.doc.name + "='" + value + "': not a value it takes (" + v.doc.name + "=" +
                      v.doc.values + ", or unset)",
                  ErrorCode::BadArgument);
    }
  }
  return env;
}

Environment processEnvironment() {
  return parseEnvironment([](const char* name) { return std::getenv(name); });
}

void applyEnvironment(const Environment& env, vk::DeviceOptions& options) {
  if (options.deviceIndex < 0) options.deviceIndex = env.device;
  options.validation = options.validation || env.validation;
  options.minimumLimits = options.minimumLimits || env.minimumLimits;
  if (options.profile.empty()) options.profile = env.profile;
  options.storageReads = options.storageReads || env.storageReads;
  options.uniformTexelReads = options.uniformTexelReads || env.uniformTexelReads;
  if (!options.convKernel) options.convKernel = env.convKernel;
  if (options.cacheHome.empty()) options.cacheHome = env.cacheHome;
}

vk::PolicyOverrides policyOverrides(const Environment& env) {
  return {env.storageReads, env.uniformTexelReads, env.convKernel};
}

}  // namespace vkc
