// The IDX reader (gzip or plain, through zlib) and vkc-eval's pairing of an images file with a
// labels file: the input is both, split at its first byte (0..255 bytes of labels file first).
#include <algorithm>
#include <cstdint>

#include "common/eval_data.hpp"
#include "fuzz_input.hpp"
#include "io/idx.hpp"
#include "vkception/error.hpp"

using namespace vkc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t labelBytes = std::min<size_t>(data[0], size - 1);
  const std::string& labels = fuzz::writeInput(data + 1, labelBytes, "-labels.idx");
  const std::string& images =
      fuzz::writeInput(data + 1 + labelBytes, size - 1 - labelBytes, "-images.idx");
  try {
    io::readIdx(images);
  } catch (const Error&) {
  }
  try {
    app::EvalSet set = app::loadIdxSet(images, labels);
    for (size_t i = 0; i < set.size() && i < 4; ++i)
      set.image(i);
  } catch (const Error&) {
  }
  return 0;
}
