#pragma once
// Runs self-test cases (cases.hpp) on a device through the library's own ops, as one
// configuration of the device policy sees them (`kernels`: a kernel cache with that policy), and
// checks each against the fp64 reference (reference.hpp) with the op tests' bounds. Every output
// tensor starts as a sentinel: a channel the op should not write must keep it.
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ops/conv2d.hpp"
#include "ops/winograd.hpp"
#include "selftest/cases.hpp"
#include "vk/device.hpp"

namespace vkc::selftest {

struct CaseResult {
  std::string name;               // "conv k1x1_s1_odd", "pool max_3x3_s2_valid", ...
  std::set<std::string> kernels;  // the shader builds its dispatches ran (ops::shaderFor names)
  bool ok = true;
  bool planned = true;  // false: no correct kernel was left for it (see failure)
  double maxError = 0;  // the largest |device - reference|
  double maxRatio = 0;  // the largest |device - reference| / bound
  std::string failure;  // the first element out of bounds, or the error
};

// What a configuration fixes beyond its policy: the tensors' precision, the convolutions'
// register blocks and the Winograd plans it may take.
struct RunSetup {
  ops::Precision precision = ops::Precision::Fp32;
  ops::ConvTiling tiling = ops::kSmallTiling;
  ops::WinogradLimits winograd;
};

class CaseRunner {
 public:
  CaseRunner(vk::Device& device, vk::KernelCache& kernels, const RunSetup& setup);
  ~CaseRunner();
  // Each builds its case's tensors and dispatches now (their pipelines declared, or created
  // where no KernelCache::CompileTogether is active); run() executes them.
  void addConv(const ConvCase& c);
  void addWinograd(const ConvCase& c);  // skipped where no plan takes the case
  void addPool(const PoolCase& c);
  void addSmallOps();  // global average pool, concat copy, softmax, preprocess, normalize, ensemble
  // Runs every case in one submission and checks each; the results in the order added.
  std::vector<CaseResult> run();

 private:
  struct Pending;
  vk::Device& device_;
  vk::KernelCache& kernels_;
  RunSetup setup_;
  std::vector<std::unique_ptr<Pending>> pending_;
  Pending& add(const std::string& name);
  void addConvOf(const ConvCase& c, bool winograd);
  void addGlobalPool();
  void addCopy();
  void addSoftmax();
  void addPreprocess();
  void addNormalize();
  void addMeanProbabilities();
};

}  // namespace vkc::selftest
