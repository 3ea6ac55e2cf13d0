#include "common/model_choice.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "vkception/error.hpp"

namespace vkc::app {
namespace {

std::array<float, 3> parseTriple(const std::string& text, const std::string& key) {
  std::array<float, 3> v{};
  std::stringstream ss(text);
  std::string part;
  for (float& x : v) {
    char* end = nullptr;
    if (std::getline(ss, part, ',')) x = std::strtof(part.c_str(), &end);
    if (end == nullptr || end == part.c_str() || *end != '\0' || !std::isfinite(x)) {
      throw Error("weights metadata '" + key + "' = '" + text + "' needs 3 finite numbers",
                  ErrorCode::BadInputFile);
    }
  }
  return v;
}

}  // namespace

std::string assetsDir() {
  if (std::filesystem::is_directory(VKC_ASSETS_DIR)) return VKC_ASSETS_DIR;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    auto installed = std::filesystem::path(exe).parent_path() / "../share/vkception/assets";
    if (std::filesystem::is_directory(installed)) return installed.string();
  }
  return VKC_ASSETS_DIR;
}

ModelChoice chooseModel(std::string model, std::string weights) {
  if (model.empty() && weights.empty()) {
    model = kDefaultModel;
    weights = assetsDir() + "/" + kDefaultWeights;
  }
  if (model.empty()) model = kDefaultModel;
  std::string labels;
  if (model == "inception_v4" || model == "inception_resnet_v2" || model == "inception_v3") {
    labels = assetsDir() + "/imagenet_classes.txt";
  }
  return {model, weights, labels};
}

std::string labelsFile(const std::string& explicitLabels, const ModelChoice& choice,
                       const std::map<std::string, std::string>& metadata) {
  if (!explicitLabels.empty()) return explicitLabels;
  if (auto it = metadata.find("vkception.labels"); it != metadata.end()) {
    // A plain file name beside the weights: a file's metadata must not point the app at any
    // other file on the machine (whose lines it would print as labels).
    const std::string& name = it->second;
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
      throw Error(choice.weights + ": metadata 'vkception.labels' = '" + name +
                      "' must be a file name beside the weights file",
                  ErrorCode::BadInputFile);
    }
    return (std::filesystem::path(choice.weights).parent_path() / name).string();
  }
  return choice.defaultLabels;
}

Preprocess preprocessFor(const std::string& model, const std::map<std::string, std::string>& meta) {
  Preprocess pre;
  if (auto it = meta.find("vkception.resize"); it != meta.end()) {
    pre.cropBicubic = it->second != "bilinear";
  }
  if (model == "inception_resnet_v1") {  // facenet's fixed_image_standardization
    pre.cropBicubic = false;
    pre.mean = {127.5f / 255, 127.5f / 255, 127.5f / 255};
    pre.std = {128.0f / 255, 128.0f / 255, 128.0f / 255};
  }
  if (auto it = meta.find("vkception.mean"); it != meta.end()) {
    pre.mean = parseTriple(it->second, it->first);
  }
  if (auto it = meta.find("vkception.std"); it != meta.end()) {
    pre.std = parseTriple(it->second, it->first);
  }
  return pre;
}

int imagesPerChunk(int batch, int size) {
  constexpr size_t kHostChunkBytes = size_t{256} << 20;
  const size_t perImage = size_t(3) * size * size;
  return static_cast<int>(std::max<size_t>(1, std::min<size_t>(batch, kHostChunkBytes / perImage)));
}

std::vector<uint8_t> toPixels(const io::Image& image, int size, const Preprocess& pre,
                              const std::string& source) {
  if (image.width < kMinImageSide || image.height < kMinImageSide) {
    throw Error(source + ": image is " + std::to_string(image.width) + "x" +
                std::to_string(image.height) + ", too small to classify (at least " +
                std::to_string(kMinImageSide) + "x" + std::to_string(kMinImageSide) + ")");
  }
  io::Image resized =
      pre.cropBicubic
          ? io::centerCrop(io::resizeShorterSide(image, int(size / 0.875), true), size, size)
          : io::resizeBilinear(image, size, size);
  return std::move(resized.rgb);
}

}  // namespace vkc::app
