#pragma once
// vkception reports every failure (bad input, bad file, Vulkan error) as vkc::Error.
#include <stdexcept>
#include <string>

namespace vkc {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace vkc
