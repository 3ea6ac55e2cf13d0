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
      size_t before = found.images.size();
      for (const auto& e : fs::recursive_directory_iterator(input, ec)) {
        if (e.is_regular_file() && vkc::hasImageExtension(e.path().string()))
          found.images.push_back(e.path().string());
      }
      std::sort(found.images.begin() + before, found.images.end());
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

}  // namespace vkc::app
