#include "models/weight_loader.hpp"

#include <algorithm>

#include "ops/conv2d.hpp"
#include "vkception/error.hpp"

namespace vkc::models {
namespace {

// Every BatchNorm in the supported models (timm's norm_eps=1e-3, facenet's explicit eps).
constexpr double kBatchNormEps = 1e-3;
// The safetensors metadata key naming the model a file is for (tools/train_fashion_mnist.py).
constexpr const char* kModelMetadataKey = "vkception.model";

std::string shapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

size_t numel(const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<size_t>(d);
  return n;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool WeightLoader::check(const std::string& name, const std::vector<int64_t>& shape) {
  requested_.insert(name);
  if (!source_.has(name)) {
    problems_.push_back("missing tensor '" + name + "' " + shapeString(shape));
    return false;
  }
  if (auto actual = source_.shape(name); actual && *actual != shape) {
    problems_.push_back("tensor '" + name + "' has shape " + shapeString(*actual) + ", expected " +
                        shapeString(shape));
    return false;
  }
  return true;
}

std::vector<float> WeightLoader::tensor(const std::string& name,
                                        const std::vector<int64_t>& shape) {
  return check(name, shape) ? source_.read(name, shape) : std::vector<float>(numel(shape), 0.0f);
}

FoldedConv WeightLoader::plain(const std::string& prefix, int outC, int inC, int kh, int kw,
                               bool withBias) {
  FoldedConv conv;
  std::vector<int64_t> shape = {outC, inC, kh, kw};
  if (kh == 0) shape = {outC, inC};  // linear layer
  const std::string name = prefix + ".weight";
  if (!check(name, shape)) {  // checked once: each problem is listed once
    conv.weights.assign(numel(shape), 0.0f);
  } else if (readWhenPacked_) {
    conv.readLater = [&source = source_, name, shape] { return source.read(name, shape); };
  } else {
    conv.weights = source_.read(name, shape);
  }
  conv.bias = withBias ? tensor(prefix + ".bias", {outC}) : std::vector<float>(outC, 0.0f);
  return conv;
}

void WeightLoader::foldBatchNorm(const std::string& prefix, FoldedConv& conv) {
  const int64_t c = static_cast<int64_t>(conv.bias.size());
  auto gamma = tensor(prefix + ".weight", {c});
  auto beta = tensor(prefix + ".bias", {c});
  auto mean = tensor(prefix + ".running_mean", {c});
  auto var = tensor(prefix + ".running_var", {c});
  requested_.insert(prefix + ".num_batches_tracked");
  if (!conv.readLater) {
    ops::foldBatchNorm(conv.weights, conv.bias, gamma, beta, mean, var, kBatchNormEps);
    return;
  }
  std::vector<double> scales =
      ops::foldBatchNormIntoBias(conv.bias, gamma, beta, mean, var, kBatchNormEps);
  conv.readLater = [read = std::move(conv.readLater), scales = std::move(scales)] {
    std::vector<float> weights = read();
    ops::scaleOutputChannels(weights, scales);
    return weights;
  };
}

FoldedConv WeightLoader::convUnit(const std::string& prefix, int outC, int inC, int kh, int kw) {
  FoldedConv conv = plain(prefix + ".conv", outC, inC, kh, kw, false);
  foldBatchNorm(prefix + ".bn", conv);
  return conv;
}

int WeightLoader::outFeatures(const std::string& name, int fallback) const {
  auto shape = source_.has(name) ? source_.shape(name) : std::nullopt;
  return shape && !shape->empty() && (*shape)[0] > 0 ? static_cast<int>((*shape)[0]) : fallback;
}

void WeightLoader::finish(const std::string& model) const {
  std::vector<std::string> unexpected;
  for (const std::string& name : source_.names()) {
    if (!requested_.count(name) && !endsWith(name, "num_batches_tracked")) {
      unexpected.push_back("unexpected tensor '" + name + "'");
    }
  }
  if (problems_.empty() && unexpected.empty()) return;
  // Show both kinds even when one list is long: the pair is what tells a wrong --model apart
  // from a damaged file.
  std::vector<std::string> all(problems_.begin(),
                               problems_.begin() + std::min<size_t>(problems_.size(), 10));
  all.insert(all.end(), unexpected.begin(),
             unexpected.begin() + std::min<size_t>(unexpected.size(), 10));
  const size_t total = problems_.size() + unexpected.size();
  std::string message = source_.describe() + ": the weights do not match the model (" +
                        std::to_string(problems_.size()) + " missing or mis-shaped, " +
                        std::to_string(unexpected.size()) + " unexpected";
  const auto meta = source_.metadata();
  if (auto it = meta.find(kModelMetadataKey); it != meta.end() && it->second != model) {
    message += "; this file's metadata says it is for " + it->second + ", not " + model;
  } else if (problems_.size() > requested_.size() / 2) {
    message += "; is it the right --model?";
  }
  message += "):";
  for (const std::string& line : all)
    message += "\n  " + line;
  if (total > all.size()) message += "\n  ... and " + std::to_string(total - all.size()) + " more";
  throw Error(message, ErrorCode::BadInputFile);
}

}  // namespace vkc::models
