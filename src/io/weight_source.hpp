#pragma once
// How model builders get weights by state_dict name, independent of where they come from: a
// safetensors file, or the deterministic generator used by the goldens.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vkc::io {

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  // The file path, or "detweights".
  virtual std::string describe() const = 0;
  virtual bool has(const std::string& name) const = 0;
  // std::nullopt means the source can produce any shape (detweights).
  virtual std::optional<std::vector<int64_t>> shape(const std::string& name) const = 0;
  // Values as fp32, row-major; throws vkc::Error if the tensor is absent or `shape` differs.
  virtual std::vector<float> read(const std::string& name,
                                  const std::vector<int64_t>& shape) const = 0;
  // Tensor names in file order; empty for generators.
  virtual std::vector<std::string> names() const = 0;
  virtual std::map<std::string, std::string> metadata() const { return {}; }
};

std::unique_ptr<WeightSource> openSafetensorsWeights(const std::string& path);
// The same from safetensors bytes in memory (copied); `name` stands for the path in errors.
std::unique_ptr<WeightSource> openSafetensorsWeights(const std::string& name, const void* data,
                                                     size_t size);
// has() is true for every name; read() returns detweightsTensor(name, shape).
std::unique_ptr<WeightSource> makeDetWeights();

}  // namespace vkc::io
