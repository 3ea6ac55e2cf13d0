#pragma once
// 8-bit RGB images: decoding (image_decode.cpp and the decode_*.cpp of each format) and the
// resize/crop steps of the usual ImageNet preprocessing, written to match PIL and torchvision so
// that results agree with Python.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vkception/data.hpp"

namespace vkc::io {

using Image = vkc::Image;  // the public type: no copy between the API and the decoders
// vkc's own type, so a call with DecodeOptions also finds vkc::loadImage and vkc::decodeImage by
// argument-dependent lookup: inside vkc::io, call the functions below qualified (io::loadImage).
using DecodeOptions = vkc::DecodeOptions;

inline constexpr int kMaxImageSide = 16384;  // pixels, decoded images and resize targets
// The default cap on decoded pixels: 64 Mpx (a 50 Mpx phone photo fits), 192 MiB as RGB; the
// decoders need up to about 4x that while they run.
inline constexpr size_t kMaxImagePixels = size_t{1} << 26;

// vkc::hasImageExtension: the extensions of every format imageFormatOf knows.
bool hasImageExtension(const std::string& path);
// "PNG", "JPEG", "BMP", "GIF", "WebP", "HEIF", "AVIF" or "TIFF" by the file's signature (also
// for a format this build cannot decode), or nullptr.
const char* imageFormatOf(const uint8_t* data, size_t size);
// Whether this build decodes `format` (a name imageFormatOf returns).
bool canDecode(const char* format);
// The formats this build decodes, comma-separated.
std::string supportedImageFormats();
// The bytes of any format imageFormatOf knows as 8-bit RGB, upright as `options` says: palettes
// and gray expanded, alpha dropped without compositing and 16-bit samples cut to their high byte
// (PIL's convert("RGB")), CMYK as PIL converts it. At most kMaxImageSide px a side and
// `maxPixels` in all, checked from the header before any pixel is decoded. A truncated or
// corrupt file, or a format this build has no decoder for, is an error; `name` (a path) prefixes
// every message.
Image decodeImage(const uint8_t* data, size_t size, const std::string& name,
                  const DecodeOptions& options = {}, size_t maxPixels = kMaxImagePixels);
// The same with the default options.
Image decodeImage(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels);
// decodeImage of a file of at most 256 MiB.
Image loadImage(const std::string& path, const DecodeOptions& options = {});
// PIL's Image.resize(BICUBIC), bit for bit: the a = -0.5 cubic kernel (support 2 input
// pixels), widened by the scale factor when shrinking (antialias) and cut at the edges;
// 22-bit fixed-point weights; the horizontal pass first, rounded and clamped to uint8, then
// the vertical one; an axis whose size is unchanged is copied.
Image resizeBicubic(const Image& in, int width, int height);
// PIL's Image.resize(BILINEAR) (torchvision's Resize on PIL images, timm's "bilinear"), bit for
// bit: resizeBicubic with the triangle kernel (support 1). Upscaling, it is torch's
// interpolate(bilinear, align_corners=False) up to rounding (fixed-point weights, uint8 after
// each pass); shrinking, it averages over the scale factor where torch samples 2x2 pixels.
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
