// WebP through libwebp: still images (lossy, lossless, with alpha) and the first frame of an
// animation, with the orientation of an EXIF chunk.
#ifdef VKC_HAVE_WEBP
#include <webp/decode.h>
#include <webp/demux.h>

#include <memory>

#include "io/decode_internal.hpp"
#include "io/exif_orientation.hpp"

namespace vkc::io::detail {
namespace {

struct DemuxDeleter {
  void operator()(WebPDemuxer* d) const { WebPDemuxDelete(d); }
};
struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* d) const { WebPAnimDecoderDelete(d); }
};

int webpOrientation(const WebPDemuxer* demux) {
  WebPChunkIterator chunk;
  int orientation = 1;
  if (WebPDemuxGetChunk(demux, "EXIF", 1, &chunk))
    orientation = exifOrientation(chunk.chunk.bytes, chunk.chunk.size);
  WebPDemuxReleaseChunkIterator(&chunk);
  return orientation;
}

}  // namespace

Image decodeWebp(const uint8_t* data, size_t size, const std::string& name,
                 const DecodeOptions& options, size_t maxPixels) {
  const WebPData webp{data, size};
  std::unique_ptr<WebPDemuxer, DemuxDeleter> demux(WebPDemux(&webp));
  if (!demux) throw decodeError(name, "cannot decode WebP image: the file is corrupt or truncated");
  const uint32_t width = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_WIDTH);
  const uint32_t height = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_HEIGHT);
  checkSize(name, width, height, maxPixels);
  const int orientation = options.applyExifOrientation ? webpOrientation(demux.get()) : 1;
  Image out;
  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  const size_t stride = size_t(width) * 3;
  out.rgb.resize(stride * height);
  // Alpha is dropped as PIL's convert("RGB") does: the colour stored under it is kept.
  if (!(WebPDemuxGetI(demux.get(), WEBP_FF_FORMAT_FLAGS) & ANIMATION_FLAG)) {
    if (!WebPDecodeRGBInto(data, size, out.rgb.data(), out.rgb.size(), int(stride)))
      throw decodeError(name, "cannot decode WebP image: the image data is corrupt");
    return applyOrientation(std::move(out), orientation);
  }
  // An animation: its first frame drawn on a transparent black canvas, as PIL (which uses
  // WebPAnimDecoder for every WebP file) gives it.
  WebPAnimDecoderOptions animOptions;
  if (!WebPAnimDecoderOptionsInit(&animOptions))
    throw decodeError(name, "cannot decode WebP image: libwebp version mismatch");
  animOptions.color_mode = MODE_RGBA;
  animOptions.use_threads = 0;
  std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> animation(
      WebPAnimDecoderNew(&webp, &animOptions));
  uint8_t* rgba = nullptr;
  int timestamp = 0;
  if (!animation || !WebPAnimDecoderGetNext(animation.get(), &rgba, &timestamp))
    throw decodeError(name, "cannot decode WebP image: the first frame is corrupt");
  for (size_t i = 0, n = size_t(width) * height; i < n; ++i) {
    out.rgb[i * 3] = rgba[i * 4];
    out.rgb[i * 3 + 1] = rgba[i * 4 + 1];
    out.rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return applyOrientation(std::move(out), orientation);
}

}  // namespace vkc::io::detail
#endif  // VKC_HAVE_WEBP
