#pragma once
// The SPIR-V modules compiled from shaders/*.comp at build time (see shaders/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace vkc::vk {

struct SpirvBinary {
  const uint32_t* words;
  size_t wordCount;
};

const std::map<std::string, SpirvBinary>& embeddedShaders();

}  // namespace vkc::vk
