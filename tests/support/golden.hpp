#pragma once
// Access to the reference goldens in tests/golden/<model>/ (see tests/golden/README.md).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/weight_source.hpp"
#include "support/compare.hpp"

namespace vkc::test {

// Bounds on a whole network's logits against the fp64 goldens, relative to max |logit|
// (withinRelative). fp32: 1e-5, the goldens' README criterion: PyTorch's own fp32 forward lands
// 0.8e-6 to 1.7e-6 (meta.json, and at 75x75), ours 0.3e-6 to 1.1e-6 at 299x299 on every kernel
// path and 1.3e-6 to 1.8e-6 at 75x75 (smaller logits), so the bound leaves a factor 5 to 9 for
// accumulation order while a wrong op, weight, padding or image moves logits by O(1), 1e-2 or
// more. fp16: every stored weight and activation rounded to 11 significant bits (4.9e-4
// relative) through ~150 layers, sums in fp32, measured 6.3e-4 to 7.6e-4 on the four networks:
// 2e-3 leaves a factor 2.6.
constexpr double kFp32LogitBound = 1e-5;
constexpr double kFp16LogitBound = 2e-3;

std::string goldenDir(const std::string& model);
nlohmann::json readJson(const std::string& path);
std::vector<double> readF64(const std::string& path);

// detweights values under the exact names and shapes of the upstream state dict
// (tensors.json): a model that asks for a missing, extra or mis-shaped tensor fails to build.
std::unique_ptr<io::WeightSource> goldenWeights(const std::string& model);

}  // namespace vkc::test
