#pragma once
// What the command-line apps share: which model and weights to use when none is given, and how
// many images to hold on the host at once. (Preprocessing and labels are the library's:
// Network::preprocessing(), Network::labels().)
#include <string>

namespace vkc::app {

// The bundled default model (trained on Fashion-MNIST by tools/train_fashion_mnist.py).
constexpr const char* kDefaultModel = "inception_resnet_v2";
constexpr const char* kDefaultWeights = "fashion_mnist_irv2.safetensors";

struct ModelChoice {
  std::string model, weights;
};

// Fills in the defaults: no model and no weights -> the bundled Fashion-MNIST model in
// vkc::assetsDir(); no model -> kDefaultModel.
ModelChoice chooseModel(std::string model, std::string weights);

// Images per host-side chunk: `batch`, or fewer when `batch` images of size x size RGB would
// take more than 256 MiB of host memory (a --batch far too large is chunked, not an OOM kill).
int imagesPerChunk(int batch, int size);

}  // namespace vkc::app
