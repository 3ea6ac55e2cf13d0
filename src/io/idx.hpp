#pragma once
// (Fashion-)MNIST IDX files, gzip-compressed or plain.
#include <cstdint>
#include <string>
#include <vector>

namespace vkc::io {

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // row-major, product(dims) bytes
};

// Only the unsigned-byte element type (0x08) is supported.
IdxArray readIdx(const std::string& path);

}  // namespace vkc::io
