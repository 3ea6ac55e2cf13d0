#pragma once
// The on-device self-test: every kernel variant the library may choose on a Context's device,
// run at small shapes against a double-precision CPU reference with the op tests' bounds. A
// variant is a shader build, named as vkc-bench --profile and vkc-info print them
// ("conv1x1_st", "conv2d_igemm_fp16", "pool2d_sr"). A variant that fails is never chosen on that
// device again: the plan falls back (storage <-> texel reads, another convolution family,
// Winograd -> direct, fp16 -> fp32), and where nothing correct is left, Network::load throws
// vkc::Error (UnsupportedDevice) naming the device, driver and variant. Results are stored beside
// the pipeline cache, keyed by device, driver version and library version; Network::load tests
// what a device has no stored result for (NetworkOptions::selfTest).
#include <functional>
#include <string>
#include <vector>

#include "vkception/vkception.hpp"

namespace vkc {

enum class VariantStatus { Passed, Failed, NotRun };

struct VariantResult {
  std::string name;
  VariantStatus status = VariantStatus::NotRun;
  double maxError = 0;  // the largest |device - reference| over the cases that ran it
  std::string reason;   // Failed: the case, configuration and element; NotRun: why
};

struct SelfTestReport {
  std::string device, driver;
  std::vector<VariantResult> variants;  // every variant, by name
  int cases = 0;                        // case runs, reruns after a failure included
  double seconds = 0;
  bool passed() const;  // no variant failed
};

struct SelfTestOptions {
  // Cases run of those planned so far, one call at a time.
  std::function<void(int done, int total)> progress;
};

// Runs every configuration the device's policy may use and judges every variant afresh; the
// failures apply to `context` at once (its later loads avoid them) and the report is stored.
SelfTestReport selfTest(Context& context, const SelfTestOptions& options = {});
const char* variantStatusName(VariantStatus status);  // "passed", "failed", "not run"

}  // namespace vkc
