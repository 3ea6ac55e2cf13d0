#pragma once
// (Fashion-)MNIST IDX files, gzip-compressed or plain.
#include <cstdint>
#include <string>
#include <vector>

#include "vkception/data.hpp"

namespace vkc::io {

using IdxArray = vkc::IdxArray;

// Only the unsigned-byte element type (0x08) is supported.
IdxArray readIdx(const std::string& path);

}  // namespace vkc::io
