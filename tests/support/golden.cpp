#include "support/golden.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "io/detweights.hpp"
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

class GoldenWeights : public io::WeightSource {
 public:
  explicit GoldenWeights(const std::string& model) : model_(model) {
    for (const auto& t : readJson(goldenDir(model) + "/tensors.json")) {
      names_.push_back(t["name"]);
      shapes_[t["name"]] = t["shape"].get<std::vector<int64_t>>();
    }
  }
  std::string describe() const override { return model_ + "/tensors.json (detweights)"; }
  bool has(const std::string& name) const override { return shapes_.count(name) > 0; }
  std::optional<std::vector<int64_t>> shape(const std::string& name) const override {
    auto it = shapes_.find(name);
    if (it == shapes_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<float> read(const std::string& name,
                          const std::vector<int64_t>& shape) const override {
    if (shape != shapes_.at(name)) throw Error("shape mismatch for " + name);
    return io::detweightsTensor(name, shape);
  }
  std::vector<std::string> names() const override { return names_; }

 private:
  std::string model_;
  std::vector<std::string> names_;
  std::map<std::string, std::vector<int64_t>> shapes_;
};

}  // namespace

std::string goldenDir(const std::string& model) {
  // VKC_GOLDEN_DIR in the environment: the goldens beside a moved test binary
  // (tools/gpu-check.sh); else the source tree's.
  const char* moved = std::getenv("VKC_GOLDEN_DIR");
  return std::string(moved && *moved ? moved : VKC_GOLDEN_DIR) + "/" + model;
}

nlohmann::json readJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open " + path);
  return nlohmann::json::parse(in);
}

std::vector<double> readF64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  std::vector<double> values(bytes.size() / sizeof(double));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(double));
  return values;
}

std::unique_ptr<io::WeightSource> goldenWeights(const std::string& model) {
  return std::make_unique<GoldenWeights>(model);
}

}  // namespace vkc::test
