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

struct Network::Impl {
  static Network load(vk::Device& device, const std::string& model, const NetworkOptions& options);
  vk::Device* device = nullptr;
  models::Model model;
  std::map<std::string, std::string> metadata;
  std::unique_ptr<graph::WeightStore> weights;
  // Compiled programs by (batch size, 8-bit image input).
  std::map<std::pair<int, bool>, std::unique_ptr<graph::Program>> programs;
  graph::Program* lastRun = nullptr;
  bool profile = false;
  ops::Precision precision = ops::Precision::Fp32;
  bool quickStart = false;
  ops::Normalization normalization;

  StartupTimings startup;
  int maxBatch = 1;  // largest batch whose biggest tensor fits one binding (set at load)
  int largestBatch() const;
  graph::Program& program(int batch, bool images = false);
  // Runs `batch` images in chunks whose tensors fit one binding; `submit` starts one chunk
  // given the element offset of its first image in the caller's input.
  std::vector<float> runChunked(int batch, bool images,
                                const std::function<int(graph::Program&, size_t)>& submit);
};

}  // namespace vkc
