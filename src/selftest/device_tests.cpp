// The self-test as the device policy uses it: stored results applied, missing ones run.
#include <algorithm>
#include <map>

#include "selftest/self_test.hpp"
#include "selftest/store.hpp"

namespace vkc::selftest {
namespace {

constexpr const char* kStoredApplied = "#stored";  // a marker among the tested configurations

// Variant by variant: failed over passed over not run; the largest error.
Report merged(const Report& a, const Report& b) {
  auto rank = [](Status s) { return s == Status::Failed ? 2 : s == Status::Passed ? 1 : 0; };
  std::map<std::string, Variant> byName;
  for (const Report* r : {&a, &b}) {
    for (const Variant& v : r->variants) {
      auto [it, inserted] = byName.emplace(v.name, v);
      if (inserted) continue;
      const double error = std::max(it->second.maxError, v.maxError);
      if (rank(v.status) > rank(it->second.status)) it->second = v;
      it->second.maxError = error;
    }
  }
  Report out;
  for (auto& [name, v] : byName)
    out.variants.push_back(v);
  out.cases = a.cases + b.cases;
  out.seconds = a.seconds + b.seconds;
  return out;
}

// The stored results applied to the device's verdicts, read once per device.
void applyStored(vk::Device& device) {
  vk::KernelVerdicts& verdicts = *device.policy().verdicts;
  if (verdicts.tested(kStoredApplied)) return;
  verdicts.markTested(kStoredApplied);
  const std::optional<Stored> stored = loadStored(device);
  if (!stored) return;
  for (const Variant& v : stored->report.variants) {
    if (v.status == Status::Failed) verdicts.fail(v.name, v.reason);
  }
  if (stored->complete) verdicts.markTested("*");
  for (const std::string& c : stored->configurations)
    verdicts.markTested(c);
}

}  // namespace

void ensureTested(vk::Device& device, const std::vector<Configuration>& configurations, bool force,
                  const std::function<void(int done, int total)>& progress) {
  vk::KernelVerdicts& verdicts = *device.policy().verdicts;
  std::lock_guard<std::mutex> lock(verdicts.testing());
  applyStored(device);
  std::vector<Configuration> missing;
  for (const Configuration& c : configurations) {
    if (force || !verdicts.tested(c.name)) missing.push_back(c);
  }
  if (missing.empty()) return;
  const Report report = runSelfTest(device, missing, device.policy().verdicts, progress);
  // Merged into what is stored now (another process may have added to it since).
  const std::optional<Stored> stored = loadStored(device);
  Stored next = stored.value_or(Stored{});
  next.report = stored ? merged(stored->report, report) : report;
  for (const Configuration& c : missing) {
    verdicts.markTested(c.name);
    next.configurations.insert(c.name);
  }
  saveStored(device, next);
}

Report testEverything(vk::Device& device,
                      const std::function<void(int done, int total)>& progress) {
  vk::KernelVerdicts& verdicts = *device.policy().verdicts;
  std::lock_guard<std::mutex> lock(verdicts.testing());
  applyStored(device);
  const Report report = runSelfTest(device, everyConfiguration(device),
                                    std::make_shared<vk::KernelVerdicts>(), progress);
  for (const Variant& v : report.variants) {
    if (v.status == Status::Failed) verdicts.fail(v.name, v.reason);
  }
  verdicts.markTested("*");
  Stored stored;
  stored.complete = true;
  stored.report = report;
  saveStored(device, stored);
  return report;
}

}  // namespace vkc::selftest
