#include "common/eval_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vkc::app {

EvalStats::EvalStats(int classes)
    : classes_(classes),
      topK_(std::min(5, classes)),
      classImages_(classes),
      matrix_(size_t(classes) * classes) {}

void EvalStats::add(const float* logits, int label) {
  // Rank of the true class = how many classes score strictly higher, or equal with a lower
  // index (the order a stable argmax/topk would pick).
  int rank = 0, best = 0;
  for (int c = 0; c < classes_; ++c) {
    if (logits[c] > logits[label] || (logits[c] == logits[label] && c < label)) ++rank;
    if (logits[c] > logits[best]) best = c;
  }
  // A NaN score compares as "nothing beats it": count it as a miss instead.
  if (std::isnan(logits[label])) rank = classes_;
  ++images_;
  top1_ += rank == 0;
  top5_ += rank < topK_;
  ++classImages_[label];
  ++matrix_[size_t(label) * classes_ + best];
}

double EvalStats::classTop1(int c) const {
  int64_t n = classImages_[c];
  return n ? double(matrix_[size_t(c) * classes_ + c]) / n : 0.0;
}

std::vector<Confusion> EvalStats::topConfusions(size_t n) const {
  std::vector<Confusion> all;
  for (int t = 0; t < classes_; ++t) {
    for (int p = 0; p < classes_; ++p) {
      int64_t count = matrix_[size_t(t) * classes_ + p];
      if (t != p && count > 0) all.push_back({t, p, count});
    }
  }
  n = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + n, all.end(), [](const auto& a, const auto& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.truth != b.truth ? a.truth < b.truth : a.predicted < b.predicted;
  });
  all.resize(n);
  return all;
}

void printClassSummary(const EvalStats& stats, const std::vector<std::string>& labels) {
  auto label = [&](int c) {
    return c < int(labels.size()) ? labels[c] : "class " + std::to_string(c);
  };
  std::vector<int> order;
  for (int c = 0; c < stats.classes(); ++c) {
    if (stats.classImages(c) > 0) order.push_back(c);
  }
  const bool worstOnly = stats.classes() > 20;
  if (worstOnly) {
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return stats.classTop1(a) < stats.classTop1(b); });
    order.resize(std::min<size_t>(order.size(), 10));
  }
  std::printf("\nper-class top-1%s:\n", worstOnly ? " (the 10 worst classes)" : "");
  std::printf("  %-5s %-24s %8s %8s\n", "class", "label", "images", "top-1");
  for (int c : order) {
    std::printf("  %5d %-24s %8lld %7.2f%%\n", c, label(c).c_str(),
                static_cast<long long>(stats.classImages(c)), 100.0 * stats.classTop1(c));
  }
  std::vector<Confusion> confusions = stats.topConfusions(10);
  if (confusions.empty()) return;
  std::printf("\nmost frequent confusions (true -> predicted):\n");
  for (const Confusion& k : confusions) {
    std::string pair = label(k.truth) + " -> " + label(k.predicted);
    std::printf("  %-40s %6lld  (%.2f%% of %s)\n", pair.c_str(), static_cast<long long>(k.count),
                100.0 * k.count / stats.classImages(k.truth), label(k.truth).c_str());
  }
}

}  // namespace vkc::app
