// Image decoding. PNG and JPEG go through libpng and libjpeg-turbo (the decoders PIL itself
// uses, hardened by years of fuzzing); BMP through stb_image, compiled here with only its BMP
// decoder, so that it is built with our sanitizer and fuzzer flags. Any other format is refused
// by its signature before a decoder sees it.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

// After <cstdio>: jpeglib.h uses FILE and size_t without including their headers.
#include <jerror.h>
#include <jpeglib.h>
#include <png.h>

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
namespace {

constexpr size_t kMaxImageFileBytes = size_t{256} << 20;

Error decodeError(const std::string& name, const std::string& what) {
  return Error(name + ": " + what, ErrorCode::BadInputFile);
}

// Both C libraries report fatal errors through a callback that must not return: it longjmps
// back here. Between setjmp and the longjmp only C objects live (no destructors are skipped);
// the message is copied out before the C++ error is thrown.
struct DecodeFailure {
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX + 200] = {};
};

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

// ---- PNG (libpng) ----
struct PngSource {
  const uint8_t* data;
  size_t size, offset;
};

void pngRead(png_structp png, png_bytep out, png_size_t bytes) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (bytes > src->size - src->offset) png_error(png, "file is truncated");
  std::memcpy(out, src->data + src->offset, bytes);
  src->offset += bytes;
}

void pngFail(png_structp png, png_const_charp message) {
  auto* failure = static_cast<DecodeFailure*>(png_get_error_ptr(png));
  std::snprintf(failure->message, sizeof failure->message, "%s", message);
  std::longjmp(failure->jump, 1);
}

void pngWarn(png_structp, png_const_charp) {}  // ancillary-chunk problems do not stop a decode

Image decodePng(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  DecodeFailure failure;
  PngSource source{data, size, 0};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &failure, pngFail, pngWarn);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    throw Error(name + ": out of memory starting the PNG decoder", ErrorCode::OutOfMemory);
  }
  Image out;
  png_bytep* volatile rows = nullptr;  // volatile: changed after setjmp, read after longjmp
  bool sizeOk = true;
  png_uint_32 width = 0, height = 0;
  if (setjmp(failure.jump)) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::free(rows);
    throw decodeError(name, std::string("cannot decode PNG image: ") + failure.message);
  }
  png_set_read_fn(png, &source, pngRead);
  png_read_info(png, info);
  width = png_get_image_width(png, info);
  height = png_get_image_height(png, info);
  sizeOk = fitsLimits(width, height, maxPixels);
  if (sizeOk) {
    // What PIL's convert("RGB") does: palettes and low bit depths expanded, 16-bit samples cut to
    // their high byte, gray replicated, alpha (and tRNS) dropped without compositing.
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != size_t(width) * 3) png_error(png, "unexpected row layout");
    out.width = static_cast<int>(width);
    out.height = static_cast<int>(height);
    out.rgb.resize(size_t(width) * height * 3);  // may throw: no longjmp can cross it after here
    rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * height));
    if (!rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; ++y)
      rows[y] = out.rgb.data() + size_t(y) * width * 3;
    png_read_image(png, rows);
    png_read_end(png, nullptr);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  std::free(rows);
  if (!sizeOk) checkSize(name, width, height, maxPixels);
  return out;
}

// ---- JPEG (libjpeg-turbo) ----
struct JpegError {
  jpeg_error_mgr manager;
  DecodeFailure* failure;
  bool truncated = false;
};

void jpegFail(j_common_ptr cinfo) {
  auto* error = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, error->failure->message);
  std::longjmp(error->failure->jump, 1);
}

// A progressive JPEG may hold any number of scans, each a pass over the whole image: a small
// file with thousands could decode for minutes. Real encoders write at most a few dozen.
constexpr int kMaxJpegScans = 256;

void jpegProgress(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kMaxJpegScans) {
    auto* error = reinterpret_cast<JpegError*>(cinfo->err);
    std::snprintf(error->failure->message, sizeof error->failure->message,
                  "more than %d progressive scans", kMaxJpegScans);
    std::longjmp(error->failure->jump, 1);
  }
}

void jpegMessage(j_common_ptr cinfo, int level) {
  auto* error = reinterpret_cast<JpegError*>(cinfo->err);
  // Warnings (level -1) are tolerated, as PIL does, except a file that ends before its image.
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) error->truncated = true;
}

Image decodeJpeg(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  DecodeFailure failure;
  jpeg_decompress_struct cinfo;
  JpegError error;
  error.failure = &failure;
  cinfo.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = jpegFail;
  error.manager.emit_message = jpegMessage;
  Image out;
  bool sizeOk = true;
  JDIMENSION width = 0, height = 0;
  if (setjmp(failure.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw decodeError(name, std::string("cannot decode JPEG image: ") + failure.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_progress_mgr progress{};
  progress.progress_monitor = jpegProgress;
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  width = cinfo.image_width;
  height = cinfo.image_height;
  sizeOk = fitsLimits(width, height, maxPixels);
  if (sizeOk) {
    cinfo.out_color_space = JCS_RGB;  // gray, YCbCr, CMYK/YCCK all come out as RGB
    cinfo.dct_method = JDCT_ISLOW;    // PIL's defaults: accurate integer IDCT, fancy upsampling
    cinfo.do_fancy_upsampling = TRUE;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) ERREXIT(&cinfo, JERR_BAD_IN_COLORSPACE);
    out.width = static_cast<int>(width);
    out.height = static_cast<int>(height);
    out.rgb.resize(size_t(width) * height * 3);
    while (cinfo.output_scanline < cinfo.output_height) {
      JSAMPROW row = out.rgb.data() + size_t(cinfo.output_scanline) * width * 3;
      jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
  }
  jpeg_destroy_decompress(&cinfo);
  if (!sizeOk) checkSize(name, width, height, maxPixels);
  if (error.truncated) throw decodeError(name, "cannot decode JPEG image: the file is truncated");
  return out;
}

// ---- BMP (stb_image) ----
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

}  // namespace

bool hasImageExtension(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "bmp";
}

const char* imageFormatOf(const uint8_t* data, size_t size) {
  auto starts = [&](const char* magic, size_t n) {
    return size >= n && std::memcmp(data, magic, n) == 0;
  };
  if (starts("\x89PNG\r\n\x1a\n", 8)) return "PNG";
  if (starts("\xff\xd8\xff", 3)) return "JPEG";
  if (starts("BM", 2)) return "BMP";
  return nullptr;
}

Image decodeImage(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  const char* format = imageFormatOf(data, size);
  if (format == nullptr) {
    auto starts = [&](const char* magic) {
      return size >= std::strlen(magic) && std::memcmp(data, magic, std::strlen(magic)) == 0;
    };
    const char* other = starts("GIF8")   ? "GIF"
                        : starts("RIFF") ? "RIFF/WebP"
                        : size >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7' ? "PNM"
                                                                                          : nullptr;
    throw decodeError(name, std::string(other ? other + std::string(" images are") : "this is") +
                                " not a supported image format (" + kSupportedImageFormats + ")");
  }
  if (format[0] == 'P') return decodePng(data, size, name, maxPixels);
  if (format[0] == 'J') return decodeJpeg(data, size, name, maxPixels);
  return decodeBmp(data, size, name, maxPixels);
}

Image loadImage(const std::string& path) {
  requireRegularFile(path);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) throw decodeError(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) {
    if (bytes.size() + got > kMaxImageFileBytes) {
      throw decodeError(path,
                        "image file is over " + std::to_string(kMaxImageFileBytes >> 20) + " MiB");
    }
    bytes.insert(bytes.end(), chunk, chunk + got);
  }
  if (std::ferror(file.get())) {
    throw decodeError(path, std::string("read error: ") + std::strerror(errno));
  }
  return decodeImage(bytes.data(), bytes.size(), path);
}

}  // namespace vkc::io
