#pragma once
// Access to the reference goldens in tests/golden/<model>/ (see tests/golden/README.md).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/weight_source.hpp"

namespace vkc::test {

std::string goldenDir(const std::string& model);
nlohmann::json readJson(const std::string& path);
std::vector<double> readF64(const std::string& path);

// How far `ours` lands from `golden`, element by element, and the scale it is judged against.
struct GoldenError {
  double maxError = 0;   // max |ours - golden|
  double maxGolden = 0;  // max |golden|
};
GoldenError compareToGolden(const std::vector<double>& golden, const std::vector<float>& ours);

// detweights values under the exact names and shapes of the upstream state dict
// (tensors.json): a model that asks for a missing, extra or mis-shaped tensor fails to build.
std::unique_ptr<io::WeightSource> goldenWeights(const std::string& model);

}  // namespace vkc::test
