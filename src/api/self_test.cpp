#include "vkception/self_test.hpp"

#include <algorithm>

#include "api/environment.hpp"
#include "api/impl.hpp"
#include "selftest/self_test.hpp"

namespace vkc {
namespace {

VariantStatus statusOf(selftest::Status s) {
  switch (s) {
    case selftest::Status::Passed:
      return VariantStatus::Passed;
    case selftest::Status::Failed:
      return VariantStatus::Failed;
    case selftest::Status::NotRun:
      return VariantStatus::NotRun;
  }
  return VariantStatus::NotRun;
}

}  // namespace

SelfTestAtLoad selfTestAtLoad(SelfTestAtLoad requested) {
  return requested != SelfTestAtLoad::Auto ? requested : processEnvironment().selfTest;
}

bool SelfTestReport::passed() const {
  return std::none_of(variants.begin(), variants.end(),
                      [](const VariantResult& v) { return v.status == VariantStatus::Failed; });
}

const char* variantStatusName(VariantStatus status) {
  switch (status) {
    case VariantStatus::Passed:
      return "passed";
    case VariantStatus::Failed:
      return "failed";
    case VariantStatus::NotRun:
      return "not run";
  }
  return "not run";
}

SelfTestReport selfTest(Context& context, const SelfTestOptions& options) {
  vk::Device& device = *context.impl_->device;
  const selftest::Report r = selftest::testEverything(device, options.progress);
  SelfTestReport report;
  report.device = device.info().name;
  report.driver = vk::driverVersionString(device.info());
  report.cases = r.cases;
  report.seconds = r.seconds;
  for (const selftest::Variant& v : r.variants) {
    report.variants.push_back({v.name, statusOf(v.status), v.maxError, v.reason});
  }
  return report;
}

}  // namespace vkc
