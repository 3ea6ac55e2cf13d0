#pragma once
// Reading what a network classifies: images, label files, (Fashion-)MNIST IDX sets, and turning
// logits into ranked predictions. Each failure throws vkc::Error naming the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vkc {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // HWC, 3 channels, row-major
};

// .png, .jpg, .jpeg, .bmp in any case: what folder scans pick up.
bool hasImageExtension(const std::string& path);
// PNG, JPEG (decoded as PIL does) or BMP as 8-bit RGB, alpha dropped; a file of at most 256 MiB.
Image loadImage(const std::string& path);
// The same from encoded bytes in memory; `name` stands for the path in messages.
Image decodeImage(const uint8_t* data, size_t size, const std::string& name);

// One label per line, line i is class i ('\r' and trailing empty lines dropped).
std::vector<std::string> readLabels(const std::string& path);

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // row-major, product(dims) bytes
};
// An unsigned-byte IDX file, gzip-compressed or plain.
IdxArray readIdx(const std::string& path);

// The deterministic test input the goldens use (detweights' "input" tensor), batch x 3 x S x S.
std::vector<float> testInput(int batch, int size);

// The folder of the bundled assets (default model, label lists, samples): $VKC_ASSETS_DIR,
// else the source tree's assets/ if it is still there, else the install prefix's
// share/vkception/assets.
std::string assetsDir();

struct Prediction {
  int classIndex = 0;
  std::string label;  // the class name, or the index as text when the network has no labels
  float probability = 0;
};
// softmax(logits) of one image, the `top` most probable classes, highest first (ties: lower
// class index first). `labels` may be empty.
std::vector<Prediction> topPredictions(const float* logits, int classes, int top,
                                       const std::vector<std::string>& labels);

}  // namespace vkc
