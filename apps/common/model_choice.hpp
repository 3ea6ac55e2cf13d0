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
  std::string model, weights, labels;  // labels may be empty: print class indices
};

// Fills in the defaults: no model and no weights -> the bundled Fashion-MNIST model; the
// ImageNet labels for timm's models; the labels named in the weights file's metadata.
ModelChoice chooseModel(std::string model, std::string weights, std::string labels);
Preprocess preprocessFor(const std::string& model, const std::map<std::string, std::string>& meta);
// One image -> 3 x size x size floats (CHW), normalised.
std::vector<float> toInput(const io::Image& image, int size, const Preprocess& pre);

bool parsePositiveInt(const std::string& text, int* value);

}  // namespace vkc::app
