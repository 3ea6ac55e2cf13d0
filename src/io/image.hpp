#pragma once
// 8-bit RGB images: decoding (stb_image) and the resize/crop steps of the usual ImageNet
// preprocessing, written to match PIL and torchvision so that results agree with Python.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vkception/data.hpp"

namespace vkc::io {

using Image = vkc::Image;  // the public type: no copy between the API and the decoders

inline constexpr const char* kSupportedImageFormats = "PNG, JPEG, BMP";
inline constexpr int kMaxImageSide = 16384;  // pixels, decoded images and resize targets
// The default cap on decoded pixels: 64 Mpx (a 50 Mpx phone photo fits), 192 MiB as RGB; stb's
// decoders need up to about 4x that while they run.
inline constexpr size_t kMaxImagePixels = size_t{1} << 26;

// .png, .jpg, .jpeg, .bmp in any case: what folder scans pick up.
bool hasImageExtension(const std::string& path);
// "PNG", "JPEG" or "BMP" by the file's signature, or nullptr: nothing else is decoded.
const char* imageFormatOf(const uint8_t* data, size_t size);
// PNG (libpng), JPEG (libjpeg-turbo, decoded as PIL does) or BMP (stb_image) bytes converted to
// 8-bit RGB, alpha dropped, 16-bit samples cut to their high byte (as PIL's convert("RGB")); at
// most kMaxImageSide px a side and `maxPixels` in all, checked from the header before anything
// is decoded. A truncated or corrupt file is an error. `name` (a path) prefixes every message.
Image decodeImage(const uint8_t* data, size_t size, const std::string& name,
                  size_t maxPixels = kMaxImagePixels);
// decodeImage of a file of at most 256 MiB.
Image loadImage(const std::string& path);
// PIL's Image.resize(BICUBIC): a = -0.5, support widened by the downscale factor (antialias),
// horizontal pass then vertical, 22-bit fixed-point weights, rounded and clamped to uint8.
Image resizeBicubic(const Image& in, int width, int height);
// torch interpolate(mode='bilinear', align_corners=False, antialias=False) in float, then
// rounded half-to-even (torch.round) and clamped to uint8.
Image resizeBilinear(const Image& in, int width, int height);
// torchvision Resize(shorter): the shorter side becomes `shorter`, the other keeps the aspect
// ratio (truncated).
Image resizeShorterSide(const Image& in, int shorter, bool bicubic);
// The size resizeShorterSide gives a width x height image: {width, height} afterwards.
std::pair<int, int> shorterSideSize(int width, int height, int shorter);
// torchvision CenterCrop: offset round((H - h) / 2) (half-to-even, as Python); a crop larger
// than the image is zero-padded as torchvision does.
Image centerCrop(const Image& in, int width, int height);

}  // namespace vkc::io
