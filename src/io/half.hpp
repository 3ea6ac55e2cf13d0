#pragma once
// IEEE binary16 <-> fp32 on the host: fp16 weights in safetensors files, and the inputs, outputs
// and weights of fp16 programs.
#include <cstddef>
#include <cstdint>

namespace vkc::io {

// Rounds to nearest even; overflow gives infinity, subnormals are kept.
uint16_t floatToHalf(float value);
float halfToFloat(uint16_t half);  // exact
void floatsToHalves(const float* src, size_t count, uint16_t* dst);
void halvesToFloats(const uint16_t* src, size_t count, float* dst);

}  // namespace vkc::io
