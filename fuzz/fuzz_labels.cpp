// The label-file reader (one class name per line, CRLF, trailing blank lines).
#include <cstdint>

#include "fuzz_input.hpp"
#include "io/labels.hpp"
#include "vkception/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    vkc::io::readLabels(vkc::fuzz::writeInput(data, size, "-labels.txt"));
  } catch (const vkc::Error&) {
  }
  return 0;
}
