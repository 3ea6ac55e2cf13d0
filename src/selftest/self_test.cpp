#include "selftest/self_test.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

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
  setup.winograd.oneAxisSmallTiles = c.tiling.atOnce;
  return setup;
}

// The cases of a configuration, each as the call that adds it to a runner, by case name.
std::map<std::string, std::function<void(CaseRunner&)>> casesOf(const Configuration& c) {
  std::map<std::string, std::function<void(CaseRunner&)>> cases;
  // readPathOnly: these, one per build (conv1x1, conv2d_segments, linear, the transforms, pool2d).
  const std::set<std::string> oneEach = {"conv k1x1_slice_residual", "conv k3x3_same_batch3",
                                         "conv k1x1_long_fully_connected",
                                         "winograd winograd_1x7_same", "pool max_3x3_s2_valid"};
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
  if (c.readPathOnly) {
    for (auto it = cases.begin(); it != cases.end();)
      it = oneEach.count(it->first) ? std::next(it) : cases.erase(it);
  }
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

std::string notRunReason(const std::string& build, const vk::Device& device) {
  const vk::DevicePolicy& policy = device.policy();
  if (ops::isFp16Build(build) && !policy.fp16)
    return "no fp16 on this device: " + policy.noFp16Reason;
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
    add("specialized", c);
    c.smallOps = false;
    c.tiling = ops::kAtOnceTiling;
    add("at-once", c);
    // Storage-buffer reads, which any dispatch takes where a view is over
    // maxTexelBufferElements (large batches).
    if (policy.storageReadPath && !policy.storageReads) {
      c.tiling = ops::convTilingFor(policy);
      c.storageReads = true;
      c.readPathOnly = true;
      add("specialized storage reads", c);
      c.storageReads = false;
      c.readPathOnly = false;
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
                                              bool atOnce, bool winograd) {
  Configuration c;
  c.name = std::string(ops::precisionName(precision)) + (atOnce ? " at-once" : "") + " load";
  c.precision = precision;
  c.tiling = atOnce ? ops::kAtOnceTiling : ops::convTilingFor(device.policy());
  c.winograd = winograd && precision == ops::Precision::Fp32;
  c.smallOps = true;
  return {c};
}

namespace {

// What the configurations' runs share (on two threads where two devices run them).
struct Shared {
  std::mutex mutex;
  std::set<std::string> passed;          // builds some passing case ran
  std::map<std::string, double> errors;  // build -> the largest error of a case that ran it
  int cases = 0, done = 0, total = 0;
  std::function<void(int done, int total)> progress;
};

void runConfiguration(vk::Device& device, const Configuration& config,
                      const std::shared_ptr<vk::KernelVerdicts>& verdicts, Shared& shared) {
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
    std::lock_guard<std::mutex> lock(shared.mutex);
    shared.done += int(pending.size());
    shared.cases += int(results.size());
    if (shared.progress) shared.progress(shared.done, shared.total);
    std::set<std::string> failedNow;
    for (const CaseResult& r : results) {
      for (const std::string& k : r.kernels)
        shared.errors[k] = std::max(shared.errors[k], r.maxError);
      if (r.ok) shared.passed.insert(r.kernels.begin(), r.kernels.end());
    }
    for (const CaseResult& r : results) {
      if (r.ok || !r.planned) continue;
      for (const std::string& k : blamed(r, shared.passed)) {
        if (verdicts->failed(k)) continue;
        verdicts->fail(k, r.name + " (" + config.name + "): " + r.failure);
        failedNow.insert(k);
      }
    }
    // The cases that ran a newly failed build run again, taking the fallbacks.
    std::set<std::string> rerun;
    for (const CaseResult& r : results) {
      for (const std::string& k : r.kernels) {
        if (failedNow.count(k)) rerun.insert(r.name.rfind("small ", 0) == 0 ? "small ops" : r.name);
      }
    }
    pending.assign(rerun.begin(), rerun.end());
    shared.total += int(pending.size());
  }
}

// The relative cost of a configuration's first run on a CPU driver, which compiles each
// pipeline at its first dispatch: the specialized register blocks the most, fp16 more than fp32.
double costOf(const Configuration& c) {
  const double kernels = c.tiling.atOnce ? 0.25 : c.readPathOnly ? 0.5 : 1.0;
  return kernels * (c.precision == ops::Precision::Fp16 ? 1.4 : 1.0);
}

}  // namespace

Report runSelfTest(vk::Device& device, const std::vector<Configuration>& configurations,
                   const std::shared_ptr<vk::KernelVerdicts>& verdicts,
                   const std::function<void(int done, int total)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  Report report;
  Shared shared;
  shared.progress = progress;
  for (const Configuration& c : configurations)
    shared.total += int(casesOf(c).size());
  // CPU drivers compile a pipeline at its first dispatch, on their device's queue thread: a
  // second device of the same GPU takes about half the work at the same time (the cheaper half by
  // costOf, longest first). Elsewhere pipelines compile in parallel when created.
  std::vector<const Configuration*> here, there;
  if (device.policy().deviceClass == vk::DeviceClass::CpuDriver && configurations.size() > 1) {
    std::vector<const Configuration*> order;
    for (const Configuration& c : configurations)
      order.push_back(&c);
    std::stable_sort(
        order.begin(), order.end(),
        [](const Configuration* a, const Configuration* b) { return costOf(*a) > costOf(*b); });
    double hereCost = 0, thereCost = 0;
    for (const Configuration* c : order) {
      (hereCost <= thereCost ? here : there).push_back(c);
      (hereCost <= thereCost ? hereCost : thereCost) += costOf(*c);
    }
  } else {
    for (const Configuration& c : configurations)
      here.push_back(&c);
  }
  std::exception_ptr failure;
  std::thread sibling;
  std::unique_ptr<vk::Device> second;
  if (!there.empty()) {
    vk::DeviceOptions options = device.options();
    options.deviceIndex = int(device.info().index);
    options.pipelineCacheOnDisk = false;
    second = std::make_unique<vk::Device>(options);
    sibling = std::thread([&] {
      try {
        for (const Configuration* c : there)
          runConfiguration(*second, *c, verdicts, shared);
      } catch (...) {
        failure = std::current_exception();
      }
    });
  }
  try {
    for (const Configuration* c : here)
      runConfiguration(device, *c, verdicts, shared);
  } catch (...) {
    if (sibling.joinable()) sibling.join();
    throw;
  }
  if (sibling.joinable()) sibling.join();
  if (failure) std::rethrow_exception(failure);
  report.cases = shared.cases;
  const std::set<std::string>& passed = shared.passed;
  std::map<std::string, double>& errors = shared.errors;
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
