#include "ops/precision.hpp"

#include <cstring>

#include "vkception/error.hpp"

namespace vkc::ops {

const char* precisionName(Precision p) {
  return p == Precision::Fp16 ? "fp16" : "fp32";
}

std::string shaderFor(const char* shader, Precision p) {
  return p == Precision::Fp16 ? std::string(shader) + "_fp16" : std::string(shader);
}

VkFormat texelFormat(Precision p, int components) {
  if (p == Precision::Fp16) {
    return components == 4 ? VK_FORMAT_R16G16B16A16_SFLOAT : VK_FORMAT_R16_SFLOAT;
  }
  return components == 4 ? VK_FORMAT_R32G32B32A32_SFLOAT : VK_FORMAT_R32_SFLOAT;
}

std::string fp16Unsupported(const vk::DeviceInfo& device) {
  if (!device.shaderFloat16) return "the device has no shaderFloat16 (fp16 arithmetic)";
  if (!device.storageBuffer16BitAccess) return "the device has no storageBuffer16BitAccess";
  if (!device.fp16TexelBuffers) return "the device cannot read r16f/rgba16f texel buffers";
  return "";
}

void requireFp16(const vk::DeviceInfo& device) {
  std::string why = fp16Unsupported(device);
  if (!why.empty()) throw Error("fp16 is not available on " + device.name + ": " + why);
}

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

float halfToFloat(uint16_t half) {
  const uint32_t sign = uint32_t(half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1fu, mantissa = half & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal: normalise
    exponent = 113;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
  }
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

}  // namespace vkc::ops
