// Image decoding (every format the build decodes: PNG, JPEG, BMP, GIF, WebP, HEIF/AVIF, TIFF,
// each detected by content; EXIF orientation on or off and JPEG DCT scaling chosen by the
// input's middle byte) and the resizes and crops of every model's preprocessing, at input sizes
// taken from the input's last byte. The pixel cap is 1/16 of the default so that forged headers
// of huge images cost the fuzzer little; the checks that enforce it are the same.
#include <cstdint>

#include "api/impl.hpp"
#include "io/image.hpp"
#include "vkception/error.hpp"

using namespace vkc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  io::Image image;
  try {
    io::DecodeOptions options;
    const uint8_t middle = size > 0 ? data[size / 2] : 0;
    options.applyExifOrientation = (middle & 1) != 0;
    options.minWidth = options.minHeight = (middle & 2) ? 8 << (middle >> 6) : 0;  // 8..64
    image = io::decodeImage(data, size, "fuzz-image", options, io::kMaxImagePixels / 16);
  } catch (const Error&) {
    return 0;
  }
  const int side = 8 + (size > 0 ? data[size - 1] % 121 : 0);  // 8..128
  for (bool timm : {true, false}) {
    Preprocessing pre;  // timm's centre crop (bicubic), or the whole image squashed (bilinear)
    pre.inputSize = side;
    if (!timm) {
      pre.cropMode = "squash";
      pre.cropFraction = 1.0;
      pre.interpolation = "bilinear";
    }
    try {
      preprocessImage(image, pre, "fuzz-image");
    } catch (const Error&) {
    }
  }
  return 0;
}
