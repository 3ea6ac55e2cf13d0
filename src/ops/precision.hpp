#pragma once
// The number format of tensors and weights on the device. fp16 halves their memory and
// bandwidth and runs the convolutions' FMAs in fp16 (shaders built with VKC_FP16, see
// shaders/common.glsl); biases and the host's inputs and outputs stay fp32.
#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "vk/device_info.hpp"

namespace vkc::ops {

enum class Precision { Fp32, Fp16 };

inline size_t elementBytes(Precision p) {
  return p == Precision::Fp16 ? 2 : 4;
}
const char* precisionName(Precision p);

// The embedded shader built for `p`: "conv1x1" or "conv1x1_fp16".
// The build of `shader` for tensors of precision `p`, with storage-buffer reads where asked
// (shaders/common.glsl, VKC_READ bindings): "<shader>[_sr][_fp16]".
std::string shaderFor(const char* shader, Precision p, bool storageReads = false);
// The texel-buffer view format of `components` (1 or 4) elements.
VkFormat texelFormat(Precision p, int components);
// Empty if the device runs fp16 tensors, else why not.
std::string fp16Unsupported(const vk::DeviceInfo& device);
// Throws vkc::Error naming the device and the missing feature unless it runs fp16 tensors.
void requireFp16(const vk::DeviceInfo& device);

}  // namespace vkc::ops
