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

// How loadImage and decodeImage turn a file into pixels.
struct DecodeOptions {
  // Turn the image upright as its EXIF Orientation tag says (all 8 values), in a JPEG (APP1),
  // PNG (eXIf) or WebP (EXIF chunk). false: those pixels as stored, as PIL's Image.open (and so
  // timm's and torchvision's loaders) gives them. A TIFF's Orientation tag and HEIF/AVIF
  // irot/imir are applied either way, as PIL's Image.open (and pillow-heif) applies them.
  bool applyExifOrientation = true;
  // JPEG only: decode at 1/8, 1/4 or 1/2 scale (libjpeg-turbo's DCT scaling, several times
  // faster), the smallest scale whose result is still at least minWidth x minHeight once
  // upright. 0 in either: full size. Other formats always decode at full size.
  int minWidth = 0, minHeight = 0;
};

// The extensions folder scans pick up, in any case: .png, .jpg, .jpeg, .bmp, .gif, .webp,
// .heic, .heif, .avif, .tif, .tiff (also when this build has no decoder for one: such a file is
// then reported by name, not skipped).
bool hasImageExtension(const std::string& path);
// The format of the file at `path` by its first bytes, as loadImage tells them apart: "PNG",
// "JPEG", "BMP", "GIF", "WebP", "HEIF", "AVIF" or "TIFF" (also one this build has no decoder for),
// or "" when it is none of these or cannot be read. Folder scans use it for files whose extension
// is not an image's. Only the first 4 KiB are read; a BMP also needs a known info-header size.
std::string imageFormatOfFile(const std::string& path);
// The formats this build decodes, e.g. "PNG, JPEG, BMP, GIF, WebP, HEIF, AVIF, TIFF".
std::string supportedImageFormats();
// An image file of at most 256 MiB as 8-bit RGB. The format is found from the content, not the
// name: PNG, JPEG (grayscale, CMYK and YCCK included; decoded as PIL does), BMP, GIF (first
// frame), WebP (first frame), HEIF/AVIF (the primary image), TIFF (first page). Alpha is dropped
// as PIL's convert("RGB") does, not composited. A format this build has no decoder for is an
// error that names the file and the missing library.
Image loadImage(const std::string& path, const DecodeOptions& options = {});
// The same from encoded bytes in memory; `name` stands for the path in messages.
Image decodeImage(const uint8_t* data, size_t size, const std::string& name,
                  const DecodeOptions& options = {});

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
// else the folder given to setAssetsDir(), else the source tree's assets/ if it is still there,
// else the install prefix's share/vkception/assets (the configured prefix, then the running
// program's).
std::string assetsDir();
// The assets that travel with the code (the Python package's own copy, an app bundle's): what
// assetsDir() returns when $VKC_ASSETS_DIR is not set. Empty: the built-in places again.
// Thread-safe; takes effect for networks loaded afterwards.
void setAssetsDir(const std::string& folder);

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
