#include "vkception/crops.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "api/impl.hpp"
#include "io/image.hpp"

namespace vkc {
namespace {

io::Image cropOf(const io::Image& in, int left, int top, int size) {
  io::Image out;
  out.width = out.height = size;
  out.rgb.resize(size_t(size) * size * 3);
  for (int y = 0; y < size; ++y) {
    const uint8_t* row = &in.rgb[(size_t(top + y) * in.width + left) * 3];
    std::copy(row, row + size_t(size) * 3, &out.rgb[size_t(y) * size * 3]);
  }
  return out;
}

void appendMirrored(const io::Image& crop, std::vector<uint8_t>& out) {
  for (int y = 0; y < crop.height; ++y) {
    for (int x = crop.width - 1; x >= 0; --x) {
      const uint8_t* px = &crop.rgb[(size_t(y) * crop.width + x) * 3];
      out.insert(out.end(), px, px + 3);
    }
  }
}

}  // namespace

int CropProtocol::cropsPerImage() const {
  if (scales.empty()) return 1;
  return static_cast<int>(scales.size()) * squares * 6 * (mirror ? 2 : 1);
}

CropProtocol cropProtocol(int crops, int inputSize) {
  CropProtocol p;
  if (crops == 1) return p;
  if (crops == 12) {
    p.scales = {static_cast<int>(inputSize / 0.875)};
    p.squares = 1;
    return p;
  }
  if (crops == 144) {
    for (int base : {256, 288, 320, 352})
      p.scales.push_back(static_cast<int>(std::lround(inputSize * base / 224.0)));
    return p;
  }
  throw Error("crops must be 1, 12 or 144, got " + std::to_string(crops), ErrorCode::BadArgument);
}

std::vector<CropBox> cropBoxes(int width, int height, int inputSize, const CropProtocol& protocol) {
  if (protocol.squares != 1 && protocol.squares != 3) {
    throw Error("crop squares must be 1 or 3, got " + std::to_string(protocol.squares),
                ErrorCode::BadArgument);
  }
  std::vector<CropBox> boxes;
  const bool portrait = height > width;
  for (int scale : protocol.scales) {
    if (scale < inputSize) {
      throw Error("crop scale " + std::to_string(scale) + " is below the input size " +
                      std::to_string(inputSize),
                  ErrorCode::BadArgument);
    }
    CropBox box;
    box.scale = scale;
    std::tie(box.scaledWidth, box.scaledHeight) = io::shorterSideSize(width, height, scale);
    const int slack = (portrait ? box.scaledHeight : box.scaledWidth) - scale;
    std::vector<int> squareOffsets = {slack / 2};
    if (protocol.squares == 3) squareOffsets = {0, slack / 2, slack};
    for (int offset : squareOffsets) {
      box.squareLeft = portrait ? 0 : offset;
      box.squareTop = portrait ? offset : 0;
      const int far = scale - inputSize, mid = far / 2;
      const int corners[5][2] = {{0, 0}, {far, 0}, {0, far}, {far, far}, {mid, mid}};
      for (int k = 0; k < 6; ++k) {
        box.whole = k == 5;
        box.size = box.whole ? scale : inputSize;
        box.left = box.squareLeft + (box.whole ? 0 : corners[k][0]);
        box.top = box.squareTop + (box.whole ? 0 : corners[k][1]);
        for (bool mirror : {false, true}) {
          if (mirror && !protocol.mirror) continue;
          box.mirror = mirror;
          boxes.push_back(box);
        }
      }
    }
  }
  return boxes;
}

std::vector<uint8_t> makeCrops(const Image& image, const Preprocessing& pre,
                               const CropProtocol& protocol, const std::string& source) {
  if (protocol.scales.empty()) return preprocessImage(image, pre, source);
  preprocessImage(image, pre, source);  // the same checks of the image (size, bytes)
  const bool bicubic = pre.interpolation == "bicubic";
  const int size = pre.inputSize;
  std::vector<uint8_t> out;
  out.reserve(size_t(protocol.cropsPerImage()) * size * size * 3);
  io::Image scaled;
  io::Image square;
  for (const CropBox& box : cropBoxes(image.width, image.height, size, protocol)) {
    if (scaled.width != box.scaledWidth || scaled.height != box.scaledHeight) {
      scaled = io::resizeShorterSide(image, box.scale, bicubic);
    }
    io::Image crop = cropOf(scaled, box.left, box.top, box.size);
    if (box.whole) {
      crop = bicubic ? io::resizeBicubic(crop, size, size) : io::resizeBilinear(crop, size, size);
    }
    if (box.mirror) {
      appendMirrored(crop, out);
    } else {
      out.insert(out.end(), crop.rgb.begin(), crop.rgb.end());
    }
  }
  return out;
}

}  // namespace vkc
