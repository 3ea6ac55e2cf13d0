#pragma once
// The objects behind the public API (include/vkception/vkception.hpp).
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
  vk::Device* device = nullptr;
  models::Model model;
  std::map<std::string, std::string> metadata;
  std::unique_ptr<graph::WeightStore> weights;
  std::map<int, std::unique_ptr<graph::Program>> programs;  // by batch size
  graph::Program* lastRun = nullptr;
  bool profile = false;

  int maxBatch() const;  // largest batch whose biggest tensor fits one binding
  graph::Program& program(int batch);
};

}  // namespace vkc
