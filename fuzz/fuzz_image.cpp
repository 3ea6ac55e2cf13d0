// Image decoding (PNG, JPEG, BMP through the library's own stb_image build; every other format
// refused) and the resizes and crops of every model's preprocessing, at input sizes taken from
// the input's last byte. The pixel cap is 1/16 of the default so that forged headers of huge
// images cost the fuzzer little; the checks that enforce it are the same.
#include <cstdint>

#include "api/impl.hpp"
#include "io/image.hpp"
#include "vkception/error.hpp"

using namespace vkc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  io::Image image;
  try {
    image = io::decodeImage(data, size, "fuzz-image", io::kMaxImagePixels / 16);
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
