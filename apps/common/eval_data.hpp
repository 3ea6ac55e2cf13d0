#pragma once
// Labelled evaluation sets for vkc-eval: (Fashion-)MNIST IDX pairs held in memory, or an
// ImageFolder tree (ROOT/<class>/*.png) whose images are decoded one batch at a time.
#include <cstddef>
#include <string>
#include <vector>

#include "vkception/data.hpp"

namespace vkc::app {

struct EvalSet {
  std::string source;  // the images file or the folder, for messages
  // IDX: N x H x W gray pixels; empty for an image folder.
  IdxArray idx;
  int width = 0, height = 0;
  // Image folder: one path per sample (sorted by class folder, then path).
  std::vector<std::string> paths;
  std::vector<int> labels;  // class index per sample
  // How image files are decoded: by default as PIL's Image.open(...).convert("RGB") (no EXIF
  // turn, full-size JPEGs), the reference an evaluation must match.
  DecodeOptions decode{/*applyExifOrientation=*/false};

  size_t size() const { return labels.size(); }
  // Sample i as RGB; an IDX image has its gray value replicated. Throws vkc::Error for an
  // image file that cannot be decoded.
  Image image(size_t i) const;
  // "FILE[i]" for IDX samples, the path otherwise (for error messages).
  std::string name(size_t i) const;
};

// Both files must hold the same number of samples; images must be N x H x W.
EvalSet loadIdxSet(const std::string& imagesPath, const std::string& labelsPath);

// The class folders directly below `root` (sorted) and the image files under each (recursive).
struct ImageFolder {
  std::string root;
  std::vector<std::string> classes;
  std::vector<std::vector<std::string>> files;  // per class folder
  // Files in the class folders that are not images, relative to root, sorted: listed, not
  // evaluated.
  std::vector<std::string> skipped;
};
ImageFolder scanImageFolder(const std::string& root);
// Maps every class folder to the label line it names (a '/' in a label, which no folder name
// can hold, may be written '_'). A folder that names no label is an error.
EvalSet toEvalSet(const ImageFolder& folder, const std::vector<std::string>& labels,
                  const std::string& labelsPath);

}  // namespace vkc::app
