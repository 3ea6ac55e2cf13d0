#pragma once
// The objects behind the public API (include/vkception/vkception.hpp).
#include <functional>
#include <map>
#include <memory>

#include "graph/program.hpp"
#include "models/models.hpp"
#include "vk/device.hpp"
#include "vkception/vkception.hpp"

namespace vkc {

struct Context::Impl {
  std::unique_ptr<vk::Device> device;
};

// A direct convolution's plan as NodeProfile::plan writes it (conv_bench.cpp).
std::string convPlanText(const ops::ConvPlan& plan);

// NetworkOptions::selfTest with VKC_SELF_TEST=off|always (read once) in place of Auto.
SelfTestAtLoad selfTestAtLoad(SelfTestAtLoad requested);

// The public description of a device under `policy` (devices.cpp); `isDefault` is left to the
// caller.
DeviceDescription describeDevice(const vk::DeviceInfo& info, const vk::DevicePolicy& policy);

// The model's preprocessing as timm's data config has it, overridden by the weights' metadata
// ("vkception.resize", "vkception.mean", "vkception.std"); preprocessing.cpp.
Preprocessing preprocessingFor(const std::string& model, int inputSize,
                               const std::map<std::string, std::string>& metadata);
// Network::preprocess with the preprocessing given (also for the fuzzers).
std::vector<uint8_t> preprocessImage(const Image& image, const Preprocessing& pre,
                                     const std::string& source);
// NetworkOptions::labels' rules; `weightsPath` empty for detweights or weights in memory.
// Returns the file used (or empty) and fills `labels`.
std::string findLabels(const std::string& explicitLabels, const std::string& model,
                       const std::string& weightsPath,
                       const std::map<std::string, std::string>& metadata, int classes,
                       std::vector<std::string>& labels);

struct Network::Impl {
  static Network load(vk::Device& device, const std::string& model, const NetworkOptions& options,
                      std::unique_ptr<io::WeightSource> source, const std::string& weightsPath,
                      double openMs);  // openMs: opening `source`, for startup()
  vk::Device* device = nullptr;
  models::Model model;
  std::map<std::string, std::string> metadata;
  Preprocessing preprocessing;
  std::vector<std::string> labels;
  std::string labelsFile;
  std::unique_ptr<graph::WeightStore> weights;
  // Compiled programs by (batch size, 8-bit image input).
  std::map<std::pair<int, bool>, std::unique_ptr<graph::Program>> programs;
  graph::Program* lastRun = nullptr;
  bool profile = false;
  ops::Precision precision = ops::Precision::Fp32;
  bool atOnce = false;  // NetworkOptions::start == StartMode::AtOnce
  std::function<void(const StartupProgress&)> progress;  // NetworkOptions::progress
  // The self-test of the kernels this load takes (NetworkOptions::selfTest), before its plan;
  // may move `precision` from fp16 to fp32.
  void testKernels(const NetworkOptions& options);
  void report(const char* step, int done = 0, int total = 0) const {
    if (progress) progress({step, done, total});
  }
  ops::Normalization normalization;

  StartupTimings startup;
  int maxBatch = 1;  // largest batch whose biggest tensor fits one binding (set at load)
  int largestBatch() const;
  graph::Program& program(int batch, bool images = false);
  // Runs `batch` images in chunks whose tensors fit one binding into `logits`; `submit` starts
  // one chunk given the element offset of its first image in the caller's input.
  void runChunked(int batch, bool images, float* logits,
                  const std::function<int(graph::Program&, size_t)>& submit);
};

}  // namespace vkc
