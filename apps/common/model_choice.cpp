#include "common/model_choice.hpp"

#include <algorithm>
#include <cstddef>

#include "vkception/data.hpp"

namespace vkc::app {

ModelChoice chooseModel(std::string model, std::string weights) {
  if (model.empty() && weights.empty()) {
    model = kDefaultModel;
    weights = vkc::assetsDir() + "/" + kDefaultWeights;
  }
  if (model.empty()) model = kDefaultModel;
  return {model, weights};
}

int imagesPerChunk(int batch, int size) {
  constexpr size_t kHostChunkBytes = size_t{256} << 20;
  const size_t perImage = size_t(3) * size * size;
  return static_cast<int>(std::max<size_t>(1, std::min<size_t>(batch, kHostChunkBytes / perImage)));
}

}  // namespace vkc::app
