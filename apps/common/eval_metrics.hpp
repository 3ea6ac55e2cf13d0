#pragma once
// Accuracy bookkeeping for vkc-eval: top-1/top-5 counts and the confusion matrix.
#include <cstdint>
#include <string>
#include <vector>

namespace vkc::app {

struct Confusion {
  int truth = 0, predicted = 0;
  int64_t count = 0;
};

class EvalStats {
 public:
  explicit EvalStats(int classes);

  // One sample: its logits (softmax is monotonic, so logits rank the classes) and true class.
  void add(const float* logits, int label);

  int classes() const { return classes_; }
  int topK() const { return topK_; }  // 5, or fewer for a model with fewer classes
  int64_t images() const { return images_; }
  double top1() const { return images_ ? double(top1_) / images_ : 0.0; }
  double top5() const { return images_ ? double(top5_) / images_ : 0.0; }
  int64_t classImages(int c) const { return classImages_[c]; }
  // Top-1 accuracy of class c; 0 when it has no samples (check classImages first).
  double classTop1(int c) const;
  // The `n` largest off-diagonal cells, largest first (ties: by true, then predicted class).
  std::vector<Confusion> topConfusions(size_t n) const;

 private:
  int classes_, topK_;
  int64_t images_ = 0, top1_ = 0, top5_ = 0;
  std::vector<int64_t> classImages_;
  std::vector<int64_t> matrix_;  // [truth * classes + predicted]
};

// The human-readable report: overall accuracy, then per-class accuracy (the worst 10 when
// there are more than 20 classes) and the most frequent confusions.
void printClassSummary(const EvalStats& stats, const std::vector<std::string>& labels);

}  // namespace vkc::app
