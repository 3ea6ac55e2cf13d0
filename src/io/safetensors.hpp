#pragma once
// Reader and writer for the safetensors format: an 8-byte little-endian header length, a JSON
// header, then the raw tensor bytes. The reader memory-maps the file and validates the header
// completely, so no byte sequence can make it read outside the mapping.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace vkc::io {

struct TensorInfo {
  std::string name;
  std::string dtype;  // safetensors spelling: "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range relative to the start of the data region
};

class SafetensorsFile {
 public:
  static SafetensorsFile open(const std::string& path);
  // The same checks on bytes in memory (an Android asset, a fuzzer's input), copied; `name`
  // stands for the path in error messages.
  static SafetensorsFile fromMemory(const std::string& name, const void* data, size_t size);

  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;
  ~SafetensorsFile();

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find(const std::string& name) const;
  // Converts F32, F16 and BF16 tensors to fp32; any other dtype is an error.
  std::vector<float> readFloat32(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  SafetensorsFile() = default;
  void unmap() noexcept;
  void parse(const uint8_t* bytes, uint64_t size);  // header and tensor table; sets data_

  std::string path_;
  std::vector<TensorInfo> tensors_;
  std::unordered_map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
  void* mapping_ = nullptr;
  size_t mappingSize_ = 0;
  std::vector<uint8_t> owned_;     // fromMemory's copy (no mapping then)
  const uint8_t* data_ = nullptr;  // start of the data region inside the mapping or the copy
};

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// Writes F32 tensors in the given order, header padded to a multiple of 8 bytes.
void writeSafetensorsF32(const std::string& path, const std::vector<NamedTensor>& tensors,
                         const std::map<std::string, std::string>& metadata = {});

}  // namespace vkc::io
