#include "io/weight_source.hpp"

#include "io/detweights.hpp"
#include "io/safetensors.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

class SafetensorsWeights final : public WeightSource {
 public:
  explicit SafetensorsWeights(SafetensorsFile file) : file_(std::move(file)) {}

  std::string describe() const override { return file_.path(); }
  bool has(const std::string& name) const override { return file_.find(name) != nullptr; }

  std::optional<std::vector<int64_t>> shape(const std::string& name) const override {
    const TensorInfo* info = file_.find(name);
    if (info == nullptr) return std::nullopt;
    return info->shape;
  }

  std::vector<float> read(const std::string& name,
                          const std::vector<int64_t>& shape) const override {
    const TensorInfo* info = file_.find(name);
    if (info == nullptr)
      throw Error(file_.path() + ": no tensor named '" + name + "'", ErrorCode::BadInputFile);
    if (info->shape != shape) {
      throw Error(file_.path() + ": tensor '" + name + "': shape " + shapeText(info->shape) +
                      " in the file, but the model expects " + shapeText(shape),
                  ErrorCode::BadInputFile);
    }
    return file_.readFloat32(name);
  }

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const TensorInfo& t : file_.tensors())
      out.push_back(t.name);
    return out;
  }

  std::map<std::string, std::string> metadata() const override { return file_.metadata(); }

 private:
  SafetensorsFile file_;
};

class DetWeights final : public WeightSource {
 public:
  std::string describe() const override { return "detweights"; }
  bool has(const std::string&) const override { return true; }
  std::optional<std::vector<int64_t>> shape(const std::string&) const override {
    return std::nullopt;
  }
  std::vector<float> read(const std::string& name,
                          const std::vector<int64_t>& shape) const override {
    return detweightsTensor(name, shape);
  }
  std::vector<std::string> names() const override { return {}; }
};

}  // namespace

std::unique_ptr<WeightSource> openSafetensorsWeights(const std::string& path) {
  return std::make_unique<SafetensorsWeights>(SafetensorsFile::open(path));
}

std::unique_ptr<WeightSource> openSafetensorsWeights(const std::string& name, const void* data,
                                                     size_t size) {
  return std::make_unique<SafetensorsWeights>(SafetensorsFile::fromMemory(name, data, size));
}

std::unique_ptr<WeightSource> makeDetWeights() {
  return std::make_unique<DetWeights>();
}

}  // namespace vkc::io
