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

// detweights values under the exact names and shapes of the upstream state dict
// (tensors.json): a model that asks for a missing, extra or mis-shaped tensor fails to build.
std::unique_ptr<io::WeightSource> goldenWeights(const std::string& model);

}  // namespace vkc::test
