#pragma once
// The number format of tensors and weights on the device. fp16 halves their memory and
// bandwidth and runs the convolutions' FMAs in fp16 (shaders built with VKC_FP16, see
// shaders/common.glsl); biases and the host's inputs and outputs stay fp32.
#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "vk/device_info.hpp"
#include "vk/device_policy.hpp"
#include "vkception/precision.hpp"

namespace vkc::ops {

// The public vkc::Precision (vkception/precision.hpp), one type from the API to the shaders.
using Precision = ::vkc::Precision;

inline size_t elementBytes(Precision p) {
  return p == Precision::Fp16 ? 2 : 4;
}
const char* precisionName(Precision p);

// How a shader's VKC_READ bindings are bound (shaders/common.glsl), each its own build.
enum class ReadPath { UniformTexels, StorageTexels, StorageBuffers };

// The build of `shader` for tensors of precision `p` and the read path (shaders without VKC_READ
// bindings have only the plain one): "<shader>[_st|_sr][_fp16]".
std::string shaderFor(const char* shader, Precision p, ReadPath reads = ReadPath::UniformTexels);
// Whether a build name is one of shaderFor's fp16 builds ("..._fp16").
bool isFp16Build(const std::string& build);
// The texel-buffer view format of `components` (1 or 4) elements.
VkFormat texelFormat(Precision p, int components);
// Throws vkc::Error naming the device and why not (a missing feature, a driver bug) unless its
// policy allows fp16 tensors.
void requireFp16(const vk::DeviceInfo& device, const vk::DevicePolicy& policy);

}  // namespace vkc::ops
