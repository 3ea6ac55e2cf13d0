// Per-model preprocessing and class names: what a caller needs to get vkc-classify's answers.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "api/impl.hpp"
#include "io/image.hpp"
#include "io/labels.hpp"

namespace vkc {
namespace {

constexpr int kMinImageSide = 8;  // smaller: resizing would invent the picture, not scale it

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

bool isTimmImageNetModel(const std::string& model) {
  return model == "inception_v4" || model == "inception_resnet_v2" || model == "inception_v3";
}

}  // namespace

Preprocessing preprocessingFor(const std::string& model, int inputSize,
                               const std::map<std::string, std::string>& meta) {
  Preprocessing pre;  // timm's: bicubic, crop_pct 0.875, mean = std = 0.5
  pre.inputSize = inputSize;
  auto squash = [&] {
    pre.cropMode = "squash";
    pre.cropFraction = 1.0;
    pre.interpolation = "bilinear";
  };
  if (auto it = meta.find("vkception.resize"); it != meta.end() && it->second == "bilinear") {
    squash();
  }
  if (model == "inception_resnet_v1") {  // facenet's fixed_image_standardization
    squash();
    pre.mean = {127.5f / 255, 127.5f / 255, 127.5f / 255};
    pre.std = {128.0f / 255, 128.0f / 255, 128.0f / 255};
  }
  if (auto it = meta.find("vkception.mean"); it != meta.end()) {
    pre.mean = parseTriple(it->second, it->first);
  }
  if (auto it = meta.find("vkception.std"); it != meta.end()) {
    pre.std = parseTriple(it->second, it->first);
  }
  for (float s : pre.std) {
    if (!(s > 0.0f))
      throw Error("weights metadata 'vkception.std': must be positive", ErrorCode::BadInputFile);
  }
  return pre;
}

std::vector<uint8_t> preprocessImage(const Image& image, const Preprocessing& pre,
                                     const std::string& source) {
  if (image.width < kMinImageSide || image.height < kMinImageSide) {
    throw Error(source + ": image is " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + ", too small to classify (at least " +
                    std::to_string(kMinImageSide) + "x" + std::to_string(kMinImageSide) + ")",
                ErrorCode::BadArgument);
  }
  if (image.rgb.size() != size_t(image.width) * image.height * 3) {
    throw Error(source + ": " + std::to_string(image.rgb.size()) + " bytes of RGB for a " +
                    std::to_string(image.width) + "x" + std::to_string(image.height) + " image",
                ErrorCode::BadArgument);
  }
  // timm's eval transform on a PIL image, byte for byte: "center" is torchvision's
  // Resize(floor(size / cropFraction)) (shorter side) + CenterCrop(size), "squash" is
  // Resize((size, size)); both with PIL's resampling (io::resizeBicubic / resizeBilinear).
  const int size = pre.inputSize;
  const bool bicubic = pre.interpolation == "bicubic";
  io::Image resized =
      pre.cropMode == "center"
          ? io::centerCrop(io::resizeShorterSide(image, int(size / pre.cropFraction), bicubic),
                           size, size)
          : (bicubic ? io::resizeBicubic(image, size, size)
                     : io::resizeBilinear(image, size, size));
  return std::move(resized.rgb);
}

std::string findLabels(const std::string& explicitLabels, const std::string& model,
                       const std::string& weightsPath,
                       const std::map<std::string, std::string>& metadata, int classes,
                       std::vector<std::string>& labels) {
  namespace fs = std::filesystem;
  if (!explicitLabels.empty()) {
    labels = io::readLabels(explicitLabels);
    return explicitLabels;
  }
  if (auto it = metadata.find("vkception.labels"); it != metadata.end() && !weightsPath.empty()) {
    // A plain file name beside the weights: a file's metadata must not point at any other file
    // on the machine (whose lines would be printed as labels).
    const std::string& name = it->second;
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
      throw Error(weightsPath + ": metadata 'vkception.labels' = '" + name +
                      "' must be a file name beside the weights file",
                  ErrorCode::BadInputFile);
    }
    const std::string path = (fs::path(weightsPath).parent_path() / name).string();
    labels = io::readLabels(path);
    return path;
  }
  if (isTimmImageNetModel(model)) {
    const std::string path = assetsDir() + "/imagenet_classes.txt";
    std::error_code ec;
    if (fs::exists(path, ec)) {
      std::vector<std::string> imagenet = io::readLabels(path);
      if (int(imagenet.size()) == classes) {
        labels = std::move(imagenet);
        return path;
      }
    }
  }
  return {};
}

}  // namespace vkc
