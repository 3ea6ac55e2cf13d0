// TIFF through libtiff: the first page, turned upright by its Orientation tag.
#ifdef VKC_HAVE_TIFF
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "io/decode_internal.hpp"
#include "io/exif_orientation.hpp"

namespace vkc::io::detail {
namespace {

// The largest single allocation libtiff may make (strip or tile buffers, tag arrays): well over
// what an image within kMaxImagePixels needs, far under what a forged header would ask for.
constexpr tmsize_t kMaxTiffAllocation = tmsize_t{1} << 30;

struct TiffSource {
  const uint8_t* data;
  toff_t size, offset;
  char message[1024];  // libtiff's first error, or TIFFRGBAImageOK's complaint
};

tmsize_t tiffRead(thandle_t h, void* out, tmsize_t bytes) {
  auto* src = static_cast<TiffSource*>(h);
  if (bytes < 0 || src->offset > src->size) return 0;
  const toff_t n = std::min<toff_t>(toff_t(bytes), src->size - src->offset);
  std::memcpy(out, src->data + src->offset, n);
  src->offset += n;
  return tmsize_t(n);
}
tmsize_t tiffWrite(thandle_t, void*, tmsize_t) {
  return 0;
}
toff_t tiffSeek(thandle_t h, toff_t offset, int whence) {
  auto* src = static_cast<TiffSource*>(h);
  const toff_t base = whence == SEEK_CUR ? src->offset : whence == SEEK_END ? src->size : 0;
  if (offset > ~toff_t{0} - base) return toff_t(-1);
  return src->offset = base + offset;  // past the end is allowed; reads there return nothing
}
int tiffClose(thandle_t) {
  return 0;
}
toff_t tiffSize(thandle_t h) {
  return static_cast<TiffSource*>(h)->size;
}
int tiffMap(thandle_t, void**, toff_t*) {
  return 0;
}
void tiffUnmap(thandle_t, void*, toff_t) {}

int tiffError(TIFF*, void* user, const char*, const char* format, va_list args) {
  auto* src = static_cast<TiffSource*>(user);
  if (src->message[0] == '\0') std::vsnprintf(src->message, sizeof src->message, format, args);
  return 1;  // handled: nothing printed
}
int tiffWarning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;  // unknown tags and the like do not stop a decode
}

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};

enum class Read { NotThisLayout, Done, Failed };

// 8-bit chunky strips of gray, RGB or a palette: read as stored, as PIL does (extra samples
// such as alpha dropped, palette entries cut to their high byte, min-is-white inverted).
Read decodeChunky(TIFF* tif, uint32_t width, uint32_t height, Image& out) {
  uint16_t bits = 0, planar = 0, photometric = 0, samples = 0, format = SAMPLEFORMAT_UINT;
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
  if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric)) return Read::NotThisLayout;
  const bool gray = photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE;
  const bool rgb = photometric == PHOTOMETRIC_RGB && samples >= 3;
  const bool palette = photometric == PHOTOMETRIC_PALETTE && samples == 1;
  if (TIFFIsTiled(tif) || bits != 8 || planar != PLANARCONFIG_CONTIG ||
      format != SAMPLEFORMAT_UINT || samples < 1 || !(gray || rgb || palette)) {
    return Read::NotThisLayout;
  }
  uint16_t *red = nullptr, *green = nullptr, *blue = nullptr;
  if (palette && !TIFFGetField(tif, TIFFTAG_COLORMAP, &red, &green, &blue))
    return Read::NotThisLayout;
  if (TIFFScanlineSize64(tif) != uint64_t(width) * samples) return Read::NotThisLayout;
  std::vector<uint8_t> line(size_t(width) * samples);
  out.rgb.resize(size_t(width) * height * 3);
  for (uint32_t y = 0; y < height; ++y) {
    if (TIFFReadScanline(tif, line.data(), y, 0) < 0) return Read::Failed;
    uint8_t* p = &out.rgb[size_t(y) * width * 3];
    for (uint32_t x = 0; x < width; ++x, p += 3) {
      const uint8_t* s = &line[size_t(x) * samples];
      if (rgb) {
        p[0] = s[0], p[1] = s[1], p[2] = s[2];
      } else if (palette) {
        p[0] = uint8_t(red[s[0]] >> 8), p[1] = uint8_t(green[s[0]] >> 8);
        p[2] = uint8_t(blue[s[0]] >> 8);
      } else {
        p[0] = p[1] = p[2] = photometric == PHOTOMETRIC_MINISWHITE ? uint8_t(255 - s[0]) : s[0];
      }
    }
  }
  return Read::Done;
}

// Everything else libtiff can turn into RGBA (tiles, planes, YCbCr, CMYK, 1-16 bit samples),
// kept in stored order; alpha dropped (libtiff has premultiplied unassociated alpha by then).
bool decodeRgba(TIFF* tif, uint32_t width, uint32_t height, Image& out, TiffSource& source) {
  char message[1024] = {};
  TIFFRGBAImage img;
  if (!TIFFRGBAImageOK(tif, message) || !TIFFRGBAImageBegin(&img, tif, 0, message)) {
    if (source.message[0] == '\0')
      std::snprintf(source.message, sizeof source.message, "%s", message);
    return false;
  }
  img.req_orientation = img.orientation;  // no flip: orientation is applied afterwards
  std::vector<uint32_t> raster(size_t(width) * height);
  const int ok = TIFFRGBAImageGet(&img, raster.data(), width, height);
  TIFFRGBAImageEnd(&img);
  if (!ok) return false;
  out.rgb.resize(raster.size() * 3);
  for (size_t i = 0; i < raster.size(); ++i) {
    out.rgb[i * 3] = uint8_t(TIFFGetR(raster[i]));
    out.rgb[i * 3 + 1] = uint8_t(TIFFGetG(raster[i]));
    out.rgb[i * 3 + 2] = uint8_t(TIFFGetB(raster[i]));
  }
  return true;
}

}  // namespace

Image decodeTiff(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  TiffSource source{data, toff_t(size), 0, {}};
  std::unique_ptr<TIFFOpenOptions, void (*)(TIFFOpenOptions*)> open(TIFFOpenOptionsAlloc(),
                                                                    TIFFOpenOptionsFree);
  if (!open)
    throw Error(name + ": out of memory starting the TIFF decoder", ErrorCode::OutOfMemory);
  TIFFOpenOptionsSetErrorHandlerExtR(open.get(), tiffError, &source);
  TIFFOpenOptionsSetWarningHandlerExtR(open.get(), tiffWarning, nullptr);
  TIFFOpenOptionsSetMaxSingleMemAlloc(open.get(), kMaxTiffAllocation);
  auto fail = [&](const char* fallback) {
    return decodeError(name, std::string("cannot decode TIFF image: ") +
                                 (source.message[0] != '\0' ? source.message : fallback));
  };
  // "m": no memory mapping, every read goes through tiffRead.
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpenExt(name.c_str(), "rm", &source, tiffRead,
                                                          tiffWrite, tiffSeek, tiffClose, tiffSize,
                                                          tiffMap, tiffUnmap, open.get()));
  if (!tif) throw fail("not a readable TIFF file");
  uint32_t width = 0, height = 0;
  TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &height);
  checkSize(name, width, height, maxPixels);
  uint16_t orientation = ORIENTATION_TOPLEFT;
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_ORIENTATION, &orientation);
  Image out;
  out.width = int(width);
  out.height = int(height);
  const Read chunky = decodeChunky(tif.get(), width, height, out);
  if (chunky == Read::Failed) throw fail("the image data is corrupt or truncated");
  if (chunky == Read::NotThisLayout && !decodeRgba(tif.get(), width, height, out, source))
    throw fail("unsupported TIFF layout");
  // Always applied: PIL's Image.open turns a TIFF by its tag as it loads it (TiffImageFile's
  // load_end), so this is also what a reference made with PIL holds. The values are EXIF's (the
  // EXIF tag is TIFF's).
  return applyOrientation(std::move(out), orientation);
}

}  // namespace vkc::io::detail
#endif  // VKC_HAVE_TIFF
