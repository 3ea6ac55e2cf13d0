#pragma once
// What the command-line apps share: which model and weights to use when none is given, and how
// many images to hold on the host at once. (Preprocessing and labels are the library's:
// Network::preprocessing(), Network::labels().)
#include <string>

namespace vkc::app {

// The bundled default model (trained on Fashion-MNIST by tools/train_fashion_mnist.py).
constexpr const char* kDefaultModel = "inception_resnet_v2";
constexpr const char* kDefaultWeights = "fashion_mnist_irv2.safetensors";
// The --weights value that asks for the library's deterministic test weights (untrained, the
// same in every run: NetworkOptions::weights empty). For tests and benchmarks only; a file of
// that name is given as ./deterministic.
constexpr const char* kDeterministicWeights = "deterministic";

struct ModelChoice {
  std::string model, weights;  // weights: a file, or empty for the deterministic test weights
};

// Fills in the defaults: no model and no weights -> the bundled Fashion-MNIST model in
// vkc::assetsDir(); no model -> kDefaultModel; weights kDeterministicWeights -> empty.
ModelChoice chooseModel(std::string model, std::string weights);

// The usage error for --model without --weights (which would run untrained weights and print
// confident nonsense): names where real weights for `model` come from and the
// kDeterministicWeights escape. Empty when the pair is fine (no --model, or --weights given).
std::string missingWeightsError(const std::string& model, const std::string& weights);

// Images per host-side chunk: `batch`, or fewer when `batch` images of size x size RGB would
// take more than 256 MiB of host memory (a --batch far too large is chunked, not an OOM kill).
int imagesPerChunk(int batch, int size);

}  // namespace vkc::app
