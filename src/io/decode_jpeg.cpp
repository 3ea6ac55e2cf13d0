// JPEG through libjpeg-turbo (the decoder PIL itself uses, with PIL's settings): grayscale,
// YCbCr, CMYK and YCCK, the orientation of an APP1 Exif block, and DCT scaling on request.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

// After <cstdio>: jpeglib.h uses FILE and size_t without including their headers.
#include <jerror.h>
#include <jpeglib.h>

#include "io/decode_internal.hpp"
#include "io/exif_orientation.hpp"

namespace vkc::io::detail {
namespace {

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

// The orientation of the first APP1 segment that holds an Exif block (PIL reads the first).
int jpegOrientation(j_decompress_ptr cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != nullptr; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
        std::memcmp(m->data, "Exif\0\0", 6) == 0) {
      return exifOrientation(m->data, m->data_length);
    }
  }
  return 1;
}

// The largest DCT reduction (8, 4 or 2; 1: none) that keeps the image at least minWidth x
// minHeight once turned by `orientation`, picked as PIL's Image.draft picks it (side / scale,
// rounded down, at least the minimum; libjpeg's result, rounded up, is then never smaller).
unsigned dctScale(JDIMENSION width, JDIMENSION height, int orientation,
                  const DecodeOptions& options) {
  if (options.minWidth <= 0 || options.minHeight <= 0) return 1;
  const bool swap = orientationSwapsAxes(orientation);
  const unsigned needW = unsigned(swap ? options.minHeight : options.minWidth);
  const unsigned needH = unsigned(swap ? options.minWidth : options.minHeight);
  for (unsigned scale : {8u, 4u, 2u}) {
    if (width / scale >= needW && height / scale >= needH) return scale;
  }
  return 1;
}

// PIL's convert("RGB") of a CMYK JPEG. PIL reads every 4-channel JPEG with Adobe's inverted
// convention ("CMYK;I": stored 255 - C, ..., 255 - K), then R = (255 - K) - C (255 - K) / 255
// rounded as its MULDIV255; here with the stored values c' = 255 - C and k' = 255 - K.
void cmykToRgb(const uint8_t* in, uint8_t* out, JDIMENSION width) {
  auto mulDiv255 = [](int a, int b) {
    const int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  };
  for (JDIMENSION x = 0; x < width; ++x, in += 4, out += 3) {
    const int nk = in[3];
    for (int c = 0; c < 3; ++c)
      out[c] = static_cast<uint8_t>(std::clamp(nk - mulDiv255(255 - in[c], nk), 0, 255));
  }
}

}  // namespace

Image decodeJpeg(const uint8_t* data, size_t size, const std::string& name,
                 const DecodeOptions& options, size_t maxPixels) {
  DecodeFailure failure;
  jpeg_decompress_struct cinfo;
  JpegError error;
  error.failure = &failure;
  cinfo.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = jpegFail;
  error.manager.emit_message = jpegMessage;
  Image out;
  std::vector<uint8_t> cmykRow;
  bool sizeOk = true;
  JDIMENSION width = 0, height = 0;
  int orientation = 1;
  if (setjmp(failure.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw decodeError(name, std::string("cannot decode JPEG image: ") + failure.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_progress_mgr progress{};
  progress.progress_monitor = jpegProgress;
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  if (options.applyExifOrientation) jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header(&cinfo, TRUE);
  width = cinfo.image_width;
  height = cinfo.image_height;
  sizeOk = fitsLimits(width, height, maxPixels);
  if (sizeOk) {
    if (options.applyExifOrientation) orientation = jpegOrientation(&cinfo);
    // libjpeg turns YCCK into CMYK; CMYK into RGB is PIL's formula, below.
    const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // gray and YCbCr come out as RGB
    cinfo.dct_method = JDCT_ISLOW;  // PIL's defaults: accurate integer IDCT, fancy upsampling
    cinfo.do_fancy_upsampling = TRUE;
    cinfo.scale_num = 1;
    cinfo.scale_denom = dctScale(width, height, orientation, options);
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != (cmyk ? 4 : 3)) ERREXIT(&cinfo, JERR_BAD_IN_COLORSPACE);
    const JDIMENSION outW = cinfo.output_width, outH = cinfo.output_height;
    out.width = static_cast<int>(outW);
    out.height = static_cast<int>(outH);
    out.rgb.resize(size_t(outW) * outH * 3);
    if (cmyk) cmykRow.resize(size_t(outW) * 4);
    while (cinfo.output_scanline < outH) {
      uint8_t* rgb = out.rgb.data() + size_t(cinfo.output_scanline) * outW * 3;
      JSAMPROW row = cmyk ? cmykRow.data() : rgb;
      jpeg_read_scanlines(&cinfo, &row, 1);
      if (cmyk) cmykToRgb(row, rgb, outW);
    }
    jpeg_finish_decompress(&cinfo);
  }
  jpeg_destroy_decompress(&cinfo);
  if (!sizeOk) checkSize(name, width, height, maxPixels);
  if (error.truncated) throw decodeError(name, "cannot decode JPEG image: the file is truncated");
  return applyOrientation(std::move(out), orientation);
}

}  // namespace vkc::io::detail
