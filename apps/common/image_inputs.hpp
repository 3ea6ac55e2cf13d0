#pragma once
// The images named on a command line (or opened in vkc-view): files as given, folders searched
// recursively for image files (vkc::hasImageExtension), each folder's files sorted.
#include <string>
#include <vector>

namespace vkc::app {

struct ImageInputs {
  std::vector<std::string> images;
  struct Problem {
    std::string input, reason;  // an input that gave no image: "no such file or directory", ...
    std::string message() const { return input + ": " + reason; }
  };
  std::vector<Problem> problems;
};
ImageInputs collectImages(const std::vector<std::string>& inputs);

}  // namespace vkc::app
