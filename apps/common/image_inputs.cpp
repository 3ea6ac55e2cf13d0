#include "common/image_inputs.hpp"

#include <algorithm>
#include <filesystem>

#include "vkception/data.hpp"

namespace fs = std::filesystem;

namespace vkc::app {

ImageInputs collectImages(const std::vector<std::string>& inputs) {
  ImageInputs found;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      const size_t before = found.images.size(), skippedBefore = found.skipped.size();
      for (const auto& e : fs::recursive_directory_iterator(input, ec)) {
        std::error_code typeError;
        if (e.is_directory(typeError)) continue;  // searched (links to folders are not followed)
        const std::string path = e.path().string();
        // A fifo or a device is never opened; a broken link is a skipped file too.
        if (e.is_regular_file(typeError) &&
            (vkc::hasImageExtension(path) || !vkc::imageFormatOfFile(path).empty())) {
          found.images.push_back(path);
        } else {
          found.skipped.push_back(e.path().lexically_relative(input).string());
        }
      }
      std::sort(found.images.begin() + before, found.images.end());
      std::sort(found.skipped.begin() + skippedBefore, found.skipped.end());
      if (found.images.size() == before) {
        found.problems.push_back({input, "no images in this directory"});
      }
    } else if (fs::exists(input, ec)) {
      found.images.push_back(input);
    } else {
      found.problems.push_back({input, "no such file or directory"});
    }
  }
  return found;
}

std::string describeSkipped(const std::vector<std::string>& skipped) {
  constexpr size_t kNamed = 5;
  if (skipped.empty()) return "";
  std::string line =
      "skipped " + std::to_string(skipped.size()) +
      (skipped.size() == 1 ? " file that is not an image: " : " files that are not images: ");
  for (size_t i = 0; i < std::min(skipped.size(), kNamed); ++i)
    line += (i ? ", " : "") + skipped[i];
  if (skipped.size() > kNamed) line += ", …";
  return line;
}

DecodeOptions classifyDecodeOptions(const Preprocessing& pre, bool exifRotate, bool dctScaling) {
  DecodeOptions options;
  options.applyExifOrientation = exifRotate;
  if (dctScaling && pre.inputSize > 0) {
    // As preprocessImage (src/api/preprocessing.cpp) sizes its resize.
    const int side =
        pre.cropMode == "center" ? int(pre.inputSize / pre.cropFraction) : pre.inputSize;
    options.minWidth = options.minHeight = side;
  }
  return options;
}

}  // namespace vkc::app
