// HEIF (HEVC, as iPhones write it) and AVIF (AV1) through libheif: the primary image with its
// irot/imir/clap transformations applied, as libheif (and pillow-heif) does by default: they are
// part of the image, not metadata, so DecodeOptions::applyExifOrientation leaves them alone.
#ifdef VKC_HAVE_HEIF
#include <libheif/heif.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "io/decode_internal.hpp"

namespace vkc::io::detail {
namespace {

struct HeifDeleter {
  void operator()(heif_context* c) const { heif_context_free(c); }
  void operator()(const heif_image_handle* h) const { heif_image_handle_release(h); }
  void operator()(const heif_image* i) const { heif_image_release(i); }
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};
template <typename T>
using HeifPtr = std::unique_ptr<T, HeifDeleter>;

}  // namespace

Image decodeHeif(const uint8_t* data, size_t size, const std::string& name, const char* format,
                 size_t maxPixels) {
  // Registers the built-in codecs once (thread-safe); never undone, as the process may decode
  // again at any time.
  static const bool initialised = heif_init(nullptr).code == heif_error_Ok;
  auto fail = [&](const heif_error& e) {
    return decodeError(name, std::string("cannot decode ") + format +
                                 " image: " + (e.message != nullptr ? e.message : "unknown error"));
  };
  if (!initialised) throw decodeError(name, "libheif could not be initialised");
  const bool av1 = std::strcmp(format, "AVIF") == 0;
  if (!heif_have_decoder_for_format(av1 ? heif_compression_AV1 : heif_compression_HEVC)) {
    throw decodeError(name, std::string(format) + " image, but this libheif has no " +
                                (av1 ? "AV1" : "HEVC") + " decoder");
  }
  HeifPtr<heif_context> context(heif_context_alloc());
  if (!context)
    throw Error(name + ": out of memory starting the HEIF decoder", ErrorCode::OutOfMemory);
  heif_context_set_maximum_image_size_limit(context.get(), kMaxImageSide);
  if (heif_error e = heif_context_read_from_memory_without_copy(context.get(), data, size, nullptr);
      e.code != heif_error_Ok) {
    throw fail(e);
  }
  heif_image_handle* rawHandle = nullptr;
  if (heif_error e = heif_context_get_primary_image_handle(context.get(), &rawHandle);
      e.code != heif_error_Ok) {
    throw fail(e);
  }
  HeifPtr<const heif_image_handle> handle(rawHandle);
  // The size once transformed, and as coded (a clap crop makes that the larger).
  auto side = [](int n) { return uint64_t(std::max(n, 0)); };
  checkSize(name, side(heif_image_handle_get_width(handle.get())),
            side(heif_image_handle_get_height(handle.get())), maxPixels);
  checkSize(name, side(heif_image_handle_get_ispe_width(handle.get())),
            side(heif_image_handle_get_ispe_height(handle.get())), maxPixels);
  HeifPtr<heif_decoding_options> decoding(heif_decoding_options_alloc());
  if (!decoding)
    throw Error(name + ": out of memory starting the HEIF decoder", ErrorCode::OutOfMemory);
  decoding->ignore_transformations = 0;
  decoding->convert_hdr_to_8bit = 1;
  heif_image* rawImage = nullptr;
  // Interleaved 8-bit RGB: alpha, if any, is dropped.
  if (heif_error e = heif_decode_image(handle.get(), &rawImage, heif_colorspace_RGB,
                                       heif_chroma_interleaved_RGB, decoding.get());
      e.code != heif_error_Ok) {
    throw fail(e);
  }
  HeifPtr<const heif_image> image(rawImage);
  const int outW = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int outH = heif_image_get_height(image.get(), heif_channel_interleaved);
  int stride = 0;
  const uint8_t* plane =
      heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  if (plane == nullptr || !fitsLimits(side(outW), side(outH), maxPixels) || stride < outW * 3)
    throw decodeError(name, std::string("cannot decode ") + format + " image: no RGB plane");
  Image out;
  out.width = outW;
  out.height = outH;
  out.rgb.resize(size_t(outW) * outH * 3);
  for (int y = 0; y < outH; ++y)
    std::memcpy(&out.rgb[size_t(y) * outW * 3], plane + size_t(y) * stride, size_t(outW) * 3);
  return out;
}

}  // namespace vkc::io::detail
#endif  // VKC_HAVE_HEIF
