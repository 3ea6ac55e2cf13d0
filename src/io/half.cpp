#include "io/half.hpp"

#include <cstring>

namespace vkc::io {

uint16_t floatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t absBits = bits & 0x7fffffffu;
  if (absBits >= 0x7f800000u) {  // inf or NaN (NaN keeps a mantissa bit)
    return uint16_t(sign | 0x7c00u | (absBits > 0x7f800000u ? 0x200u : 0u));
  }
  if (absBits >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // rounds past 65504
  const int exponent = int(absBits >> 23) - 127;
  if (exponent < -14) {  // subnormal half (or zero): shift the implicit-one mantissa down
    if (exponent < -25) return uint16_t(sign);
    const uint32_t mantissa = (absBits & 0x7fffffu) | 0x800000u;
    const int shift = -exponent - 14 + 13;
    uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
    return uint16_t(sign | half);
  }
  uint32_t half = (uint32_t(exponent + 15) << 10) | ((absBits >> 13) & 0x3ffu);
  const uint32_t rest = absBits & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // may carry into the exponent
  return uint16_t(sign | half);
}

float halfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24 is exact in fp32.
    float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
    std::memcpy(&bits, &magnitude, sizeof bits);
    bits |= sign;
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // inf / NaN, payload kept
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);  // rebias 15 -> 127
  }
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

void floatsToHalves(const float* src, size_t count, uint16_t* dst) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = floatToHalf(src[i]);
}

void halvesToFloats(const uint16_t* src, size_t count, float* dst) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = halfToFloat(src[i]);
}

}  // namespace vkc::io
