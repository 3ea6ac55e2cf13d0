#include "models/models.hpp"

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>

#include "vkception/error.hpp"

namespace vkc::models {
namespace {

using Builder = std::function<graph::Graph(const io::WeightSource&, ModelConfig&)>;

const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> all = {
      {"inception_v4", buildInceptionV4},
      {"inception_resnet_v2", buildInceptionResNetV2},
      {"inception_resnet_v1", buildInceptionResNetV1},
      {"inception_v3", buildInceptionV3},
  };
  return all;
}

// A file's metadata is untrusted: each value must be an integer in 1..max, where max is well
// above any real configuration (21843 classes in ImageNet-21k, 20 blocks in a stage, inputs
// of 2048) but low enough that a forged file cannot make the model huge.
int parseInt(const std::string& key, const std::string& value, const std::string& file, long max) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno != 0 || v <= 0 || v > max) {
    throw Error(file + ": metadata '" + key + "' = '" + value + "' is not an integer in 1.." +
                    std::to_string(max),
                ErrorCode::BadInputFile);
  }
  return static_cast<int>(v);
}

}  // namespace

const std::vector<std::string>& modelNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& [name, builder] : builders())
      v.push_back(name);
    return v;
  }();
  return names;
}

ModelConfig defaultConfig(const std::string& /*name*/, const io::WeightSource& weights) {
  ModelConfig config;
  const auto meta = weights.metadata();
  const std::string file = weights.describe();
  auto get = [&](const std::string& key) -> const std::string* {
    auto it = meta.find("vkception." + key);
    return it == meta.end() ? nullptr : &it->second;
  };
  if (auto v = get("input_size")) config.inputSize = parseInt("input_size", *v, file, 2048);
  if (auto v = get("num_classes")) config.numClasses = parseInt("num_classes", *v, file, 100000);
  if (auto v = get("width_divisor")) {
    config.widthDivisor = parseInt("width_divisor", *v, file, 64);
  }
  if (auto v = get("repeats")) {
    std::stringstream ss(*v);
    std::string part;
    for (int i = 0; i < 3; ++i) {
      if (!std::getline(ss, part, ',')) {
        throw Error(file + ": metadata 'repeats' needs 3 numbers", ErrorCode::BadInputFile);
      }
      config.repeats[i] = parseInt("repeats", part, file, 64);
    }
  }
  return config;
}

Model buildModel(const std::string& name, const io::WeightSource& weights,
                 const ModelConfig& config) {
  auto it = builders().find(name);
  if (it == builders().end()) {
    std::string known;
    for (const auto& n : modelNames())
      known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown model '" + name + "' (known: " + known + ")", ErrorCode::BadArgument);
  }
  if (config.inputSize < 32 || config.inputSize > 2048) {
    throw Error("input size " + std::to_string(config.inputSize) +
                    " is out of range (32..2048; the Inception networks need at least 75)",
                ErrorCode::BadArgument);
  }
  if (config.widthDivisor < 1)
    throw Error("width divisor must be positive", ErrorCode::BadArgument);
  Model model{name, config, {}};
  model.graph = it->second(weights, model.config);
  return model;
}

}  // namespace vkc::models
