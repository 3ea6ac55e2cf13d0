#pragma once
// What the command-line apps share: which model, weights, labels and preprocessing to use,
// turning an image into the network's input, and small argument helpers.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "io/image.hpp"

namespace vkc::app {

// The bundled default model (trained on Fashion-MNIST by tools/train_fashion_mnist.py).
constexpr const char* kDefaultModel = "inception_resnet_v2";
constexpr const char* kDefaultWeights = "fashion_mnist_irv2.safetensors";

std::string assetsDir();  // VKC_ASSETS_DIR, or <exe>/../share/vkception/assets

struct Preprocess {
  bool cropBicubic =
      true;  // timm: shorter side to size/0.875 (bicubic), centre crop; else bilinear to size
  std::array<float, 3> mean{0.5f, 0.5f, 0.5f};  // on the 0..1 scale
  std::array<float, 3> std{0.5f, 0.5f, 0.5f};
};

struct ModelChoice {
  std::string model, weights;
  std::string defaultLabels;  // the model's usual class names (ImageNet for timm's), or empty
};

// Fills in the defaults: no model and no weights -> the bundled Fashion-MNIST model.
ModelChoice chooseModel(std::string model, std::string weights);
// --labels if given, else the file named by the weights' metadata ("vkception.labels",
// relative to the weights file), else the model's default; empty: print class indices.
std::string labelsFile(const std::string& explicitLabels, const ModelChoice& choice,
                       const std::map<std::string, std::string>& metadata);
Preprocess preprocessFor(const std::string& model, const std::map<std::string, std::string>& meta);
// One image resized/cropped as the model expects -> size x size x 3 bytes (RGB); the
// normalisation (pre.mean / pre.std) runs on the GPU (Network::setImageNormalization).
// Throws vkc::Error naming `source` for images under kMinImageSide pixels on a side, where
// resizing would invent the picture rather than scale it.
std::vector<uint8_t> toPixels(const io::Image& image, int size, const Preprocess& pre,
                              const std::string& source);
constexpr int kMinImageSide = 8;

// Images per host-side chunk: `batch`, or fewer when `batch` images of size x size RGB would
// take more than 256 MiB of host memory (a --batch far too large is chunked, not an OOM kill).
int imagesPerChunk(int batch, int size);

}  // namespace vkc::app
