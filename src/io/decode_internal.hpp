#pragma once
// Shared by the decoders of each format (decode_*.cpp) and their dispatch (image_decode.cpp).
// Each decodeX gets bytes whose signature imageFormatOf found to be X, and returns them as 8-bit
// RGB, upright as the options say, or throws vkc::Error (BadInputFile) naming the file. Alpha is
// dropped, never composited (on white or anything else): PIL's convert("RGB"), which timm's and
// torchvision's loaders run, drops it, and their references are what results must match.
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/image.hpp"
#include "vkception/error.hpp"

namespace vkc::io::detail {

// libpng and libjpeg report fatal errors through a callback that must not return: it longjmps
// back to the decoder. Between setjmp and the longjmp only C objects live (no destructors are
// skipped); the message is copied out before the C++ error is thrown.
struct DecodeFailure {
  std::jmp_buf jump;
  char message[400] = {};  // at least libjpeg's JMSG_LENGTH_MAX (200)
};

Error decodeError(const std::string& name, const std::string& what);
bool fitsLimits(uint64_t width, uint64_t height, size_t maxPixels);
// Throws decodeError with the size and the limits unless fitsLimits.
void checkSize(const std::string& name, uint64_t width, uint64_t height, size_t maxPixels);

Image decodePng(const uint8_t* data, size_t size, const std::string& name,
                const DecodeOptions& options, size_t maxPixels);
Image decodeJpeg(const uint8_t* data, size_t size, const std::string& name,
                 const DecodeOptions& options, size_t maxPixels);
Image decodeBmp(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels);
// Only in builds with the library (VKC_HAVE_GIF, _WEBP, _HEIF, _TIFF).
Image decodeGif(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels);
Image decodeWebp(const uint8_t* data, size_t size, const std::string& name,
                 const DecodeOptions& options, size_t maxPixels);
// HEIF and AVIF (`format`: the name for messages), with irot/imir/clap applied always.
Image decodeHeif(const uint8_t* data, size_t size, const std::string& name, const char* format,
                 size_t maxPixels);
// Turned by its Orientation tag whatever the options say, as PIL's Image.open does.
Image decodeTiff(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels);

}  // namespace vkc::io::detail
