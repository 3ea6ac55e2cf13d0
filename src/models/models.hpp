#pragma once
// The model zoo: every network is built from a WeightSource by name.
#include <array>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "io/weight_source.hpp"

namespace vkc::models {

struct ModelConfig {
  int inputSize = 299;
  int numClasses = 1000;  // overridden by the classifier's shape when the source has one
  // Small configs of the Inception-ResNet family (the bundled Fashion-MNIST model): every
  // channel count divided by widthDivisor, and the A/B/C block repeats.
  int widthDivisor = 1;
  std::array<int, 3> repeats{0, 0, 0};  // 0: the model's default
  // Convolution weights read from the source only when packed (models::WeightLoader): the
  // source must outlive graph::WeightStore's packing of the graph.
  bool readWeightsWhenPacked = false;
};

struct Model {
  std::string name;
  ModelConfig config;
  graph::Graph graph;
};

const std::vector<std::string>& modelNames();
// Defaults for `name`, then the "vkception.*" metadata of the weights file, if any.
ModelConfig defaultConfig(const std::string& name, const io::WeightSource& weights);
// Throws vkc::Error for an unknown name, an impossible input size, or weights that do not
// match (all problems listed at once).
Model buildModel(const std::string& name, const io::WeightSource& weights,
                 const ModelConfig& config);

// Model files (one per network).
graph::Graph buildInceptionV4(const io::WeightSource& weights, ModelConfig& config);
graph::Graph buildInceptionResNetV2(const io::WeightSource& weights, ModelConfig& config);
graph::Graph buildInceptionResNetV1(const io::WeightSource& weights, ModelConfig& config);
graph::Graph buildInceptionV3(const io::WeightSource& weights, ModelConfig& config);

}  // namespace vkc::models
