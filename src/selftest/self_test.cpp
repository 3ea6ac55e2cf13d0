#include "selftest/self_test.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "vk/shader_registry.hpp"

namespace vkc::selftest {
namespace {

// A case that failed runs again after its kernels' verdicts, at most this many times: each round
// fails at least one more build, and a layer has at most three fallbacks in a row (read path,
// family, Winograd).
constexpr int kMaxRounds = 4;

vk::DevicePolicy policyOf(const vk::Device& device, const Configuration& c,
                          const std::shared_ptr<vk::KernelVerdicts>& verdicts) {
  vk::DevicePolicy policy = device.policy();
  policy.verdicts = verdicts;
  policy.storageReads = policy.storageReads || c.storageReads;
  if (c.uniformTexels) policy.texelBinding = vk::TexelBinding::Uniform;
  if (c.family) policy.convKernel = *c.family;
  policy.convSplitK = c.splitK;
  return policy;
}

RunSetup setupOf(const vk::DevicePolicy& policy, const Configuration& c) {
  RunSetup setup;
  setup.precision = c.precision;
  setup.tiling = c.tiling;
  // The plans graph::winogradLimitsFor gives the start the tiling belongs to.
  setup.winograd.maxLiveFloats = policy.maxWinogradLiveFloats;
  setup.winograd.oneAxisSmallTiles = c.tiling.compact;
  return setup;
}

// The cases of a configuration, each as the call that adds it to a runner, by case name.
std::map<std::string, std::function<void(CaseRunner&)>> casesOf(const Configuration& c) {
  std::map<std::string, std::function<void(CaseRunner&)>> cases;
  for (const ConvCase& conv : convCases()) {
    cases["conv " + conv.name] = [conv](CaseRunner& r) { r.addConv(conv); };
  }
  if (c.winograd && c.precision == ops::Precision::Fp32) {
    for (const ConvCase& conv : winogradCases()) {
      cases["winograd " + conv.name] = [conv](CaseRunner& r) { r.addWinograd(conv); };
    }
  }
  for (const PoolCase& pool : poolCases()) {
    cases["pool " + pool.name] = [pool](CaseRunner& r) { r.addPool(pool); };
  }
  if (c.smallOps) cases["small ops"] = [](CaseRunner& r) { r.addSmallOps(); };
  return cases;
}

// Which builds a failed case blames: those no passing case has run, or, where every one of them
// has passed elsewhere (a fault that shows at one shape only), all of them.
std::set<std::string> blamed(const CaseResult& failed, const std::set<std::string>& passed) {
  std::set<std::string> unproven;
  for (const std::string& k : failed.kernels) {
    if (!passed.count(k)) unproven.insert(k);
  }
  return unproven.empty() ? failed.kernels : unproven;
}

bool isFp16(const std::string& build) {
  return build.size() > 5 && build.compare(build.size() - 5, 5, "_fp16") == 0;
}

std::string notRunReason(const std::string& build, const vk::Device& device) {
  const vk::DevicePolicy& policy = device.policy();
  if (isFp16(build) && !policy.fp16) return "no fp16 on this device: " + policy.noFp16Reason;
  if (build.find("_st") != std::string::npos && !device.info().storageTexelBuffers) {
    return "the device has no storage texel buffers of these formats";
  }
  return "not chosen by the plan on this device (a family is forced by VKC_CONV_KERNEL)";
}

}  // namespace

const char* statusName(Status s) {
  switch (s) {
    case Status::Passed:
      return "passed";
    case Status::Failed:
      return "failed";
    case Status::NotRun:
      return "not run";
  }
  return "not run";
}

bool Report::passed() const {
  return std::none_of(variants.begin(), variants.end(),
                      [](const Variant& v) { return v.status == Status::Failed; });
}

std::vector<Configuration> everyConfiguration(const vk::Device& device) {
  const vk::DevicePolicy& policy = device.policy();
  std::vector<Configuration> configs;
  std::vector<ops::Precision> precisions = {ops::Precision::Fp32};
  if (policy.fp16) precisions.push_back(ops::Precision::Fp16);
  for (ops::Precision p : precisions) {
    const bool fp32 = p == ops::Precision::Fp32;
    auto add = [&](const std::string& name, Configuration c) {
      c.name = std::string(ops::precisionName(p)) + " " + name;
      c.precision = p;
      c.winograd = c.winograd && fp32;
      configs.push_back(c);
    };
    // The policy's family with the register blocks of each start (both starts take Winograd).
    Configuration c;
    c.tiling = ops::convTilingFor(policy);
    c.winograd = true;
    c.smallOps = true;
    add("specialised", c);
    c.smallOps = false;
    c.tiling = ops::kCompactTiling;
    add("compact", c);
    // Storage-buffer reads, which any dispatch takes where a view is over
    // maxTexelBufferElements (large batches).
    if (policy.storageReadPath && !policy.storageReads) {
      c.tiling = ops::convTilingFor(policy);
      c.storageReads = true;
      add("specialised storage reads", c);
      c.storageReads = false;
    }
    // The implicit GEMM's split of K, which its plan takes for layers with few tiles.
    if (policy.convKernel == vk::ConvKernel::Igemm) {
      c.tiling = ops::convTilingFor(policy);
      c.winograd = false;
      c.splitK = 3;
      add("split-K", c);
    }
  }
  return configs;
}

std::vector<Configuration> loadConfigurations(const vk::Device& device, ops::Precision precision,
                                              bool compact, bool winograd) {
  Configuration c;
  c.name = std::string(ops::precisionName(precision)) + (compact ? " compact" : "") + " load";
  c.precision = precision;
  c.tiling = compact ? ops::kCompactTiling : ops::convTilingFor(device.policy());
  c.winograd = winograd && precision == ops::Precision::Fp32;
  c.smallOps = true;
  return {c};
}

Report runSelfTest(vk::Device& device, const std::vector<Configuration>& configurations,
                   const std::shared_ptr<vk::KernelVerdicts>& verdicts,
                   const std::function<void(int done, int total)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  Report report;
  std::set<std::string> passed;          // builds some passing case ran
  std::map<std::string, double> errors;  // build -> the largest error of a case that ran it
  int done = 0, total = 0;
  for (const Configuration& c : configurations)
    total += int(casesOf(c).size());
  for (const Configuration& config : configurations) {
    const vk::DevicePolicy policy = policyOf(device, config, verdicts);
    vk::KernelCache view(device.kernels(), policy);
    const auto cases = casesOf(config);
    std::vector<std::string> pending;
    for (const auto& [name, add] : cases)
      pending.push_back(name);
    for (int round = 0; round < kMaxRounds && !pending.empty(); ++round) {
      CaseRunner runner(device, view, setupOf(policy, config));
      {
        vk::KernelCache::CompileTogether group(device.kernels());
        for (const std::string& name : pending)
          cases.at(name)(runner);
        group.finish();
      }
      const std::vector<CaseResult> results = runner.run();
      done += int(pending.size());
      report.cases += int(results.size());
      if (progress) progress(done, total);
      std::set<std::string> failedNow;
      for (const CaseResult& r : results) {
        for (const std::string& k : r.kernels)
          errors[k] = std::max(errors[k], r.maxError);
        if (r.ok) passed.insert(r.kernels.begin(), r.kernels.end());
      }
      for (const CaseResult& r : results) {
        if (r.ok || !r.planned) continue;
        for (const std::string& k : blamed(r, passed)) {
          if (verdicts->failed(k)) continue;
          verdicts->fail(k, r.name + " (" + config.name + "): " + r.failure);
          failedNow.insert(k);
        }
      }
      // The cases that ran a newly failed build run again, taking the fallbacks.
      pending.clear();
      std::set<std::string> rerun;
      for (const CaseResult& r : results) {
        for (const std::string& k : r.kernels) {
          if (failedNow.count(k))
            rerun.insert(r.name.rfind("small ", 0) == 0 ? "small ops" : r.name);
        }
      }
      pending.assign(rerun.begin(), rerun.end());
      total += int(pending.size());
    }
  }
  const auto failures = verdicts->failures();
  for (const auto& [name, spirv] : vk::embeddedShaders()) {
    if (name.rfind("fma_probe", 0) == 0) continue;  // the peak probe, not an op
    Variant v;
    v.name = name;
    v.maxError = errors.count(name) ? errors[name] : 0;
    if (failures.count(name)) {
      v.status = Status::Failed;
      v.reason = failures.at(name);
    } else if (passed.count(name)) {
      v.status = Status::Passed;
    } else {
      v.reason = notRunReason(name, device);
    }
    report.variants.push_back(v);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace vkc::selftest
