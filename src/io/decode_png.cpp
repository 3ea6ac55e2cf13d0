// PNG through libpng (the decoder PIL itself uses), with the orientation of an eXIf chunk.
#include <png.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io/decode_internal.hpp"
#include "io/exif_orientation.hpp"

namespace vkc::io::detail {
namespace {

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

}  // namespace

Image decodePng(const uint8_t* data, size_t size, const std::string& name,
                const DecodeOptions& options, size_t maxPixels) {
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
  int orientation = 1;
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
    png_read_end(png, info);  // an eXIf chunk may follow the pixels
    png_bytep exif = nullptr;
    png_uint_32 exifBytes = 0;
    if (options.applyExifOrientation && png_get_eXIf_1(png, info, &exifBytes, &exif) != 0)
      orientation = exifOrientation(exif, exifBytes);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  std::free(rows);
  if (!sizeOk) checkSize(name, width, height, maxPixels);
  return applyOrientation(std::move(out), orientation);
}

}  // namespace vkc::io::detail
