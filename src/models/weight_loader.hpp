#pragma once
// Reads a network's tensors by name from a WeightSource and folds batch-norm into the
// convolutions. Problems do not stop the build: every missing or mis-shaped tensor is recorded
// (zeros stand in) and finish() reports them all in one error, with the unexpected ones.
// With readWhenPacked, a tensor found with its shape is not read at once: FoldedConv::readLater
// reads it (batch norm folded) when graph::WeightStore packs the layer, so the network's weights
// are never all copied on the host; the source must outlive the packing (Network::load).
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "io/weight_source.hpp"

namespace vkc::models {

struct FoldedConv {
  std::vector<float> weights;  // [outC, inC, kh, kw]; empty where readLater reads them
  std::vector<float> bias;     // [outC]
  std::function<std::vector<float>()> readLater;  // see WeightLoader
};

class WeightLoader {
 public:
  explicit WeightLoader(const io::WeightSource& source, bool readWhenPacked = false)
      : source_(source), readWhenPacked_(readWhenPacked) {}

  std::vector<float> tensor(const std::string& name, const std::vector<int64_t>& shape);
  // "<prefix>.conv.weight" (no bias) followed by "<prefix>.bn.*" (eval, eps 0.001).
  FoldedConv convUnit(const std::string& prefix, int outC, int inC, int kh, int kw);
  // "<prefix>.weight" and, if withBias, "<prefix>.bias" (conv with bias / linear layer).
  FoldedConv plain(const std::string& prefix, int outC, int inC, int kh, int kw, bool withBias);
  // Folds a BatchNorm1d/2d "<prefix>.{weight,bias,running_mean,running_var}" into `conv`.
  void foldBatchNorm(const std::string& prefix, FoldedConv& conv);
  // Output count of a classifier tensor in the source, or `fallback` if unknown.
  int outFeatures(const std::string& name, int fallback) const;

  // Throws vkc::Error listing every problem once (at most 10 of each kind, then a count), and,
  // when the file's metadata names another model than `model`, that model.
  void finish(const std::string& model) const;
  const std::set<std::string>& requested() const { return requested_; }

 private:
  const io::WeightSource& source_;
  bool readWhenPacked_;
  // Whether `name` has `shape` (else a problem is recorded and zeros must stand in).
  bool check(const std::string& name, const std::vector<int64_t>& shape);
  std::set<std::string> requested_;
  std::vector<std::string> problems_;
};

}  // namespace vkc::models
