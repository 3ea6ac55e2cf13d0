#pragma once
// vkc-eval's ImageNet-style inputs beside the image folder: a validation list (`path label`
// lines, or a CSV with a header), the paper's exclusion list (the ILSVRC-2012 validation
// blacklist: one 1-based image number a line), and --ensemble's NAME:FILE[:WEIGHT] members.
#include <string>
#include <vector>

#include "common/eval_data.hpp"

namespace vkc::app {

// `path label` a line (label: a class index), or CSV whose header names a path column
// (filename, file, path, image, ImageId) and a label column (label, class, class_index,
// target); `#` lines and empty lines skipped. Relative paths are under `root` (default: the
// list's folder; `.JPEG` is appended to a CSV ImageId without an extension). `labelOffset` is
// added to every label (1: 0-based labels for TF-slim's 1001-class models).
EvalSet loadValList(const std::string& listPath, const std::string& root, int labelOffset);

// The image number the blacklist uses: NNNNNNNN of a file named *_val_NNNNNNNN.*, else its
// 1-based place in the set.
long imageNumber(const EvalSet& set, size_t i);
// Which images of `set` the exclusion file names (one positive number a line, `#` comments).
std::vector<bool> excludedImages(const EvalSet& set, const std::string& excludePath);

struct MemberSpec {
  std::string model, weights;
  float weight = 1.0f;
};
// "NAME:FILE[:WEIGHT],NAME:FILE[:WEIGHT]..."; throws vkc::Error naming the bad item.
std::vector<MemberSpec> parseEnsembleSpec(const std::string& spec);
// "3" -> {3}, "256,288" -> {256, 288}; positive integers.
std::vector<int> parseIntList(const std::string& text, const std::string& flag);

}  // namespace vkc::app
