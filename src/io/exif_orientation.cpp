#include "io/exif_orientation.hpp"

#include <cstddef>
#include <cstring>
#include <utility>

namespace vkc::io {
namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTypeShort = 3, kTypeLong = 4;

struct TiffReader {
  const uint8_t* data;
  size_t size;
  bool bigEndian;

  uint32_t read(size_t offset, int bytes) const {
    uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      const uint32_t b = data[offset + i];
      v |= bigEndian ? b << (8 * (bytes - 1 - i)) : b << (8 * i);
    }
    return v;
  }
};

}  // namespace

int exifOrientation(const uint8_t* data, size_t size) {
  if (data == nullptr) return 1;
  if (size >= 6 && std::memcmp(data, "Exif\0\0", 6) == 0) {
    data += 6;
    size -= 6;
  }
  if (size < 8) return 1;
  TiffReader tiff{data, size, false};
  if (std::memcmp(data, "II*\0", 4) == 0) {
    tiff.bigEndian = false;
  } else if (std::memcmp(data, "MM\0*", 4) == 0) {
    tiff.bigEndian = true;
  } else {
    return 1;
  }
  const size_t ifd = tiff.read(4, 4);
  if (ifd > size - 2) return 1;
  const size_t entries = tiff.read(ifd, 2);
  for (size_t i = 0; i < entries; ++i) {
    const size_t entry = ifd + 2 + 12 * i;
    if (entry > size || size - entry < 12) break;  // IFD0 cut short: the entries so far count
    if (tiff.read(entry, 2) != kOrientationTag) continue;
    const uint32_t type = tiff.read(entry + 2, 2), count = tiff.read(entry + 4, 4);
    if (count != 1 || (type != kTypeShort && type != kTypeLong)) return 1;
    // A value of at most 4 bytes sits in the entry itself.
    const uint32_t value = tiff.read(entry + 8, type == kTypeShort ? 2 : 4);
    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return 1;
}

Image applyOrientation(Image image, int orientation) {
  if (orientation < 2 || orientation > 8) return image;
  const int w = image.width, h = image.height;
  const bool swap = orientationSwapsAxes(orientation);
  Image out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.rgb.resize(image.rgb.size());
  // For each output pixel (x, y), the stored pixel it comes from.
  auto source = [&](int x, int y) -> std::pair<int, int> {
    switch (orientation) {
      case 2:
        return {w - 1 - x, y};
      case 3:
        return {w - 1 - x, h - 1 - y};
      case 4:
        return {x, h - 1 - y};
      case 5:
        return {y, x};
      case 6:
        return {y, h - 1 - x};
      case 7:
        return {w - 1 - y, h - 1 - x};
      default:
        return {w - 1 - y, x};  // 8
    }
  };
  // The source is affine in (x, y): its pixel index steps by a constant along each output axis.
  auto index = [&](int x, int y) {
    const auto [sx, sy] = source(x, y);
    return ptrdiff_t(sy) * w + sx;
  };
  const ptrdiff_t origin = index(0, 0), stepX = index(1, 0) - origin, stepY = index(0, 1) - origin;
  for (int y = 0; y < out.height; ++y) {
    uint8_t* row = out.rgb.data() + size_t(y) * out.width * 3;
    ptrdiff_t from = origin + stepY * y;
    for (int x = 0; x < out.width; ++x, from += stepX)
      std::memcpy(row + size_t(x) * 3, image.rgb.data() + from * 3, 3);
  }
  return out;
}

}  // namespace vkc::io
