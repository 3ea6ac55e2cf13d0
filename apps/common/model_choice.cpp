#include "common/model_choice.hpp"

#include <algorithm>
#include <cstddef>

#include "vkception/data.hpp"

namespace vkc::app {
namespace {

// Where trained weights for `model` come from, as lines of the usage error.
std::string weightsSource(const std::string& model) {
  const std::string readme = "(README.md, \"Real ImageNet weights\")";
  if (model == "inception_v4" || model == "inception_resnet_v2") {
    return "ImageNet weights: model.safetensors of timm's " + model +
           ".tf_in1k,\n  https://huggingface.co/timm/" + model + ".tf_in1k " + readme;
  }
  if (model == "inception_v3") {
    return "ImageNet weights: timm's inception_v3 weights as .safetensors, without AuxLogits.*\n "
           " " +
           readme;
  }
  if (model == "inception_resnet_v1") {
    return "Face embeddings: facenet-pytorch's 20180402-114759-vggface2.pt as .safetensors\n  " +
           readme;
  }
  return "Where weights come from: README.md, \"Real ImageNet weights\"";
}

}  // namespace

ModelChoice chooseModel(std::string model, std::string weights) {
  if (model.empty() && weights.empty()) {
    model = kDefaultModel;
    weights = vkc::assetsDir() + "/" + kDefaultWeights;
  }
  if (model.empty()) model = kDefaultModel;
  if (weights == kDeterministicWeights) weights.clear();
  return {model, weights};
}

std::string missingWeightsError(const std::string& model, const std::string& weights) {
  if (model.empty() || !weights.empty()) return "";
  return "--model " + model +
         " needs --weights FILE (without it: untrained test weights, confident nonsense)\n  " +
         weightsSource(model) + "\n  For tests and benchmarks: --weights " + kDeterministicWeights;
}

int imagesPerChunk(int batch, int size) {
  constexpr size_t kHostChunkBytes = size_t{256} << 20;
  const size_t perImage = size_t(3) * size * size;
  return static_cast<int>(std::max<size_t>(1, std::min<size_t>(batch, kHostChunkBytes / perImage)));
}

}  // namespace vkc::app
