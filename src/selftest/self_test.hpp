#pragma once
// The on-device self-test: the library's kernels run at small shapes (cases.hpp) on the device
// under the configurations of its policy the plan may choose there, against the fp64 reference.
// A shader build (a "variant": "conv1x1_st", "conv2d_igemm_fp16", as ops::shaderFor names them)
// fails when a case that ran it fails; its verdict goes to a vk::KernelVerdicts, which the plan
// obeys (vk/kernel_verdicts.hpp). The cases whose kernels failed run again under the same
// configuration, now taking the fallbacks, until nothing new fails: a fallback is proven before
// a network uses it.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ops/conv2d.hpp"
#include "selftest/runner.hpp"
#include "vk/device.hpp"

namespace vkc::selftest {

// One way the device's policy may run the kernels.
struct Configuration {
  std::string name;  // "fp32 storage igemm", for messages
  ops::Precision precision = ops::Precision::Fp32;
  bool storageReads = false;             // DevicePolicy::storageReads
  bool uniformTexels = false;            // DevicePolicy::texelBinding forced to Uniform
  std::optional<vk::ConvKernel> family;  // none: the policy's
  int splitK = 0;                        // DevicePolicy::convSplitK
  ops::ConvTiling tiling = ops::kSmallTiling;
  bool winograd = false;  // the Winograd cases run too (fp32 only, as in the networks)
  bool smallOps = false;  // the small ops' cases run too (they vary only with precision)
  // One case per kernel build instead of every shape: a read path, whose fetches are the same
  // code at every shape (the shapes run under the policy's own reads).
  bool readPathOnly = false;
};

// Every configuration the device's policy may come to use: each precision it has, the policy's
// convolution family with the register blocks of both starts, its texel reads and the storage
// reads of large views, split K where the family is the implicit GEMM. Fallbacks (another read
// path, family, Winograd off) are tested where a failure makes the plan take them.
std::vector<Configuration> everyConfiguration(const vk::Device& device);
// What one network load uses: the device's own policy at `precision`, with the at-once start's
// kernels or the specialized ones, Winograd where the load takes it.
std::vector<Configuration> loadConfigurations(const vk::Device& device, ops::Precision precision,
                                              bool atOnce, bool winograd);

enum class Status { Passed, Failed, NotRun };
const char* statusName(Status s);  // "passed", "failed", "not run"

struct Variant {
  std::string name;
  Status status = Status::NotRun;
  double maxError = 0;  // over the cases that ran it (passed or failed)
  std::string reason;   // failed: the case and the element; not run: why
};

struct Report {
  std::vector<Variant> variants;  // every shader build the ops may choose, by name
  int cases = 0;                  // case runs, the reruns after a failure included
  double seconds = 0;
  bool passed() const;  // nothing failed
};

// Runs `configurations` on `device`, recording failures in `verdicts` (the device's own,
// policy().verdicts, for a load; a fresh one to judge every variant afresh). `progress`: cases
// run of those planned so far (the total grows with reruns). Throws vkc::Error only for a device
// error (lost device, out of memory), never for a wrong result.
Report runSelfTest(vk::Device& device, const std::vector<Configuration>& configurations,
                   const std::shared_ptr<vk::KernelVerdicts>& verdicts,
                   const std::function<void(int done, int total)>& progress = {});

}  // namespace vkc::selftest

namespace vkc::selftest {

// What a device's policy obeys (its verdicts), kept beside the pipeline cache (store.hpp):
// Before a load: the stored results applied once to the device's verdicts; the configurations
// they do not cover (all of them where `force`) run, and the merged results are stored. A
// failure moves the load's plan to a fallback (proven in the same run); where none is left the
// load's own planning throws, naming the device, driver and builds.
void ensureTested(vk::Device& device, const std::vector<Configuration>& configurations, bool force,
                  const std::function<void(int done, int total)>& progress = {});
// vkc-info --self-test: every configuration, every variant judged afresh; the failures then go
// to the device's verdicts and the whole report is stored.
Report testEverything(vk::Device& device,
                      const std::function<void(int done, int total)>& progress = {});

}  // namespace vkc::selftest
