// Image decoding (PNG, JPEG, BMP through the library's own stb_image build; every other format
// refused) and the resizes and crops of every model's preprocessing, at input sizes taken from
// the input's last byte. The pixel cap is 1/16 of the default so that forged headers of huge
// images cost the fuzzer little; the checks that enforce it are the same.
#include <cstdint>

#include "common/model_choice.hpp"
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
  for (bool bicubic : {true, false}) {
    app::Preprocess pre;
    pre.cropBicubic = bicubic;
    try {
      app::toPixels(image, side, pre, "fuzz-image");
    } catch (const Error&) {
    }
  }
  return 0;
}
