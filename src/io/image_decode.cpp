// Image decoding: the format found from the file's signature (never its name), then its decoder.
// PNG, JPEG, GIF, WebP, HEIF/AVIF and TIFF go through the reference C libraries (those PIL
// uses where it has one; years of fuzzing behind each); BMP through stb_image, compiled here
// with only its BMP decoder, so that it is built with our sanitizer and fuzzer flags. GIF, WebP,
// HEIF/AVIF and TIFF are optional at build time (VKC_WITH_GIF, ...: src/CMakeLists.txt); a file
// of a format left out is refused with the library that would decode it.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "io/decode_internal.hpp"
#include "io/files.hpp"
#include "io/image.hpp"
#include "vkception/error.hpp"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_FAILURE_USERMSG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace vkc::io {
namespace detail {

Error decodeError(const std::string& name, const std::string& what) {
  return Error(name + ": " + what, ErrorCode::BadInputFile);
}

bool fitsLimits(uint64_t width, uint64_t height, size_t maxPixels) {
  return width > 0 && height > 0 && width <= kMaxImageSide && height <= kMaxImageSide &&
         width * height <= maxPixels;
}

void checkSize(const std::string& name, uint64_t width, uint64_t height, size_t maxPixels) {
  if (!fitsLimits(width, height, maxPixels)) {
    throw decodeError(name, "image size " + std::to_string(width) + "x" + std::to_string(height) +
                                " is over the limit of " + std::to_string(kMaxImageSide) +
                                " px per side and " + std::to_string(maxPixels) + " pixels");
  }
}

Image decodeBmp(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  if (size > size_t(std::numeric_limits<int>::max())) throw decodeError(name, "file too large");
  auto reason = [] {
    const char* r = stbi_failure_reason();
    return std::string(r != nullptr ? r : "unknown error");
  };
  int width = 0, height = 0, channels = 0;
  const int bytes = static_cast<int>(size);
  if (!stbi_info_from_memory(data, bytes, &width, &height, &channels)) {
    throw decodeError(name, "cannot decode BMP image: " + reason());
  }
  checkSize(name, static_cast<uint64_t>(std::max(width, 0)),
            static_cast<uint64_t>(std::max(height, 0)), maxPixels);
  std::unique_ptr<uint8_t, void (*)(void*)> pixels(
      stbi_load_from_memory(data, bytes, &width, &height, &channels, 3), stbi_image_free);
  if (!pixels) throw decodeError(name, "cannot decode BMP image: " + reason());
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.assign(pixels.get(), pixels.get() + size_t(width) * height * 3);
  return out;
}

}  // namespace detail

namespace {

constexpr size_t kMaxImageFileBytes = size_t{256} << 20;

struct Format {
  const char* name;
  bool built;
  const char* package;  // the Debian package a build needs to decode it
};

constexpr Format kFormats[] = {
    {"PNG", true, "libpng-dev"},   {"JPEG", true, "libjpeg62-turbo-dev"},
    {"BMP", true, "libstb-dev"},
#ifdef VKC_HAVE_GIF
    {"GIF", true, "libgif-dev"},
#else
    {"GIF", false, "libgif-dev"},
#endif
#ifdef VKC_HAVE_WEBP
    {"WebP", true, "libwebp-dev"},
#else
    {"WebP", false, "libwebp-dev"},
#endif
#ifdef VKC_HAVE_HEIF
    {"HEIF", true, "libheif-dev"}, {"AVIF", true, "libheif-dev"},
#else
    {"HEIF", false, "libheif-dev"}, {"AVIF", false, "libheif-dev"},
#endif
#ifdef VKC_HAVE_TIFF
    {"TIFF", true, "libtiff-dev"},
#else
    {"TIFF", false, "libtiff-dev"},
#endif
};

const Format* findFormat(const char* name) {
  for (const Format& f : kFormats) {
    if (std::strcmp(f.name, name) == 0) return &f;
  }
  return nullptr;
}

uint32_t bigEndian32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// An ISO base media file ('ftyp' box first) of the HEIF family: "AVIF" when its major or any
// compatible brand is an AV1 one, "HEIF" for the HEVC and generic image brands, else nullptr.
const char* heifFamily(const uint8_t* data, size_t size) {
  if (size < 16 || std::memcmp(data + 4, "ftyp", 4) != 0) return nullptr;
  const size_t boxSize = std::min<size_t>(bigEndian32(data), std::min<size_t>(size, 4096));
  if (boxSize < 16) return nullptr;
  bool heif = false;
  for (size_t at = 8; at + 4 <= boxSize; at += at == 8 ? 8 : 4) {  // major brand, version, list
    const char* brand = reinterpret_cast<const char*>(data + at);
    for (const char* avif : {"avif", "avis"}) {
      if (std::memcmp(brand, avif, 4) == 0) return "AVIF";
    }
    for (const char* heic : {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"}) {
      heif = heif || std::memcmp(brand, heic, 4) == 0;
    }
  }
  return heif ? "HEIF" : nullptr;
}

}  // namespace

bool hasImageExtension(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* known :
       {"png", "jpg", "jpeg", "bmp", "gif", "webp", "heic", "heif", "avif", "tif", "tiff"}) {
    if (ext == known) return true;
  }
  return false;
}

const char* imageFormatOf(const uint8_t* data, size_t size) {
  auto starts = [&](const char* magic, size_t n) {
    return size >= n && std::memcmp(data, magic, n) == 0;
  };
  if (starts("\x89PNG\r\n\x1a\n", 8)) return "PNG";
  if (starts("\xff\xd8\xff", 3)) return "JPEG";
  if (starts("BM", 2)) return "BMP";
  if (starts("GIF87a", 6) || starts("GIF89a", 6)) return "GIF";
  if (size >= 12 && starts("RIFF", 4) && std::memcmp(data + 8, "WEBP", 4) == 0) return "WebP";
  if (starts("II*\0", 4) || starts("MM\0*", 4) || starts("II+\0", 4) || starts("MM\0+", 4))
    return "TIFF";  // classic and BigTIFF
  return heifFamily(data, size);
}

bool canDecode(const char* format) {
  const Format* f = format ? findFormat(format) : nullptr;
  return f != nullptr && f->built;
}

std::string supportedImageFormats() {
  std::string list;
  for (const Format& f : kFormats) {
    if (f.built) list += (list.empty() ? "" : ", ") + std::string(f.name);
  }
  return list;
}

Image decodeImage(const uint8_t* data, size_t size, const std::string& name,
                  const DecodeOptions& options, size_t maxPixels) {
  using namespace detail;
  const char* format = imageFormatOf(data, size);
  if (format == nullptr) {
    const bool pnm = size >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7';
    throw decodeError(name, std::string(pnm ? "PNM images are" : "this is") +
                                " not a supported image format (" + supportedImageFormats() + ")");
  }
  const std::string f = format;
  if (!canDecode(format)) {
    throw decodeError(name, f + " image, but this build has no " + f + " decoder (" +
                                findFormat(format)->package + ")");
  }
  if (f == "PNG") return decodePng(data, size, name, options, maxPixels);
  if (f == "JPEG") return decodeJpeg(data, size, name, options, maxPixels);
  if (f == "BMP") return decodeBmp(data, size, name, maxPixels);
#ifdef VKC_HAVE_GIF
  if (f == "GIF") return decodeGif(data, size, name, maxPixels);
#endif
#ifdef VKC_HAVE_WEBP
  if (f == "WebP") return decodeWebp(data, size, name, options, maxPixels);
#endif
#ifdef VKC_HAVE_HEIF
  if (f == "HEIF" || f == "AVIF") return decodeHeif(data, size, name, format, maxPixels);
#endif
#ifdef VKC_HAVE_TIFF
  if (f == "TIFF") return decodeTiff(data, size, name, maxPixels);
#endif
  throw decodeError(name, "no decoder for " + f);  // unreachable: canDecode said it is built
}

Image decodeImage(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  return io::decodeImage(data, size, name, DecodeOptions{}, maxPixels);
}

Image loadImage(const std::string& path, const DecodeOptions& options) {
  requireRegularFile(path);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) throw detail::decodeError(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<uint8_t> bytes;
  std::error_code ec;
  if (const uintmax_t n = std::filesystem::file_size(path, ec); !ec && n <= kMaxImageFileBytes)
    bytes.reserve(n);
  uint8_t chunk[1 << 16];
  size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) {
    if (bytes.size() + got > kMaxImageFileBytes) {
      throw detail::decodeError(
          path, "image file is over " + std::to_string(kMaxImageFileBytes >> 20) + " MiB");
    }
    bytes.insert(bytes.end(), chunk, chunk + got);
  }
  if (std::ferror(file.get())) {
    throw detail::decodeError(path, std::string("read error: ") + std::strerror(errno));
  }
  return io::decodeImage(bytes.data(), bytes.size(), path, options);
}

}  // namespace vkc::io
