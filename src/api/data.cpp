// The public data helpers (include/vkception/data.hpp): thin wrappers over src/io.
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>

#include "api/environment.hpp"
#include "io/detweights.hpp"
#include "io/idx.hpp"
#include "io/image.hpp"
#include "io/labels.hpp"
#include "vkception/data.hpp"
#include "vkception/error.hpp"

namespace vkc {

bool hasImageExtension(const std::string& path) {
  return io::hasImageExtension(path);
}
std::string imageFormatOfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint8_t head[4096];
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const size_t n = static_cast<size_t>(in.gcount());
  const char* format = io::imageFormatOf(head, n);
  if (format == nullptr) return "";
  if (std::string(format) == "BMP") {  // "BM" alone starts many a text file
    const uint32_t infoSize = n >= 18 ? uint32_t(head[14]) | uint32_t(head[15]) << 8 |
                                            uint32_t(head[16]) << 16 | uint32_t(head[17]) << 24
                                      : 0;
    if (infoSize != 12 && infoSize != 40 && infoSize != 52 && infoSize != 56 && infoSize != 64 &&
        infoSize != 108 && infoSize != 124)
      return "";
  }
  return format;
}
std::string supportedImageFormats() {
  return io::supportedImageFormats();
}
Image loadImage(const std::string& path, const DecodeOptions& options) {
  return io::loadImage(path, options);
}
Image decodeImage(const uint8_t* data, size_t size, const std::string& name,
                  const DecodeOptions& options) {
  if (data == nullptr && size > 0) throw Error(name + ": no image bytes", ErrorCode::BadArgument);
  return io::decodeImage(data, size, name, options);
}
std::vector<std::string> readLabels(const std::string& path) {
  return io::readLabels(path);
}
IdxArray readIdx(const std::string& path) {
  return io::readIdx(path);
}

std::vector<float> testInput(int batch, int size) {
  if (batch < 1 || size < 1) {
    throw Error("testInput: batch and size must be at least 1", ErrorCode::BadArgument);
  }
  return io::detweightsInput({batch, 3, size, size});
}

namespace {
std::mutex assetsMutex;
std::string assetsOverride;  // setAssetsDir's folder, guarded by assetsMutex
}  // namespace

void setAssetsDir(const std::string& folder) {
  std::lock_guard<std::mutex> lock(assetsMutex);
  assetsOverride = folder;
}

std::string assetsDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (std::string env = processEnvironment().assetsDir; !env.empty()) return env;
  {
    std::lock_guard<std::mutex> lock(assetsMutex);
    if (!assetsOverride.empty()) return assetsOverride;
  }
  if (fs::is_directory(VKC_SOURCE_ASSETS_DIR, ec)) return VKC_SOURCE_ASSETS_DIR;
  if (fs::is_directory(VKC_INSTALLED_ASSETS_DIR, ec)) return VKC_INSTALLED_ASSETS_DIR;
  // A relocated install: the programs' own prefix.
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    auto installed = fs::path(exe).parent_path() / "../share/vkception/assets";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return VKC_SOURCE_ASSETS_DIR;
}

std::vector<Prediction> topPredictions(const float* logits, int classes, int top,
                                       const std::vector<std::string>& labels) {
  if (classes < 1 || top < 1) {
    throw Error("topPredictions: classes and top must be at least 1", ErrorCode::BadArgument);
  }
  // Softmax with the maximum subtracted (no overflow), summed in double.
  const float m = *std::max_element(logits, logits + classes);
  std::vector<float> p(classes);
  double sum = 0;
  for (int i = 0; i < classes; ++i)
    sum += p[i] = std::exp(logits[i] - m);
  for (float& x : p)
    x = static_cast<float>(x / sum);
  std::vector<int> order(classes);
  std::iota(order.begin(), order.end(), 0);
  const int k = std::min(top, classes);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int a, int b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  std::vector<Prediction> out;
  for (int i = 0; i < k; ++i) {
    const int c = order[i];
    out.push_back({c, c < int(labels.size()) ? labels[c] : std::to_string(c), p[c]});
  }
  return out;
}

}  // namespace vkc
