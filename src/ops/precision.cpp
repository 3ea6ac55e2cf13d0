#include "ops/precision.hpp"

#include "vkception/error.hpp"

namespace vkc::ops {

const char* precisionName(Precision p) {
  return p == Precision::Fp16 ? "fp16" : "fp32";
}

std::string shaderFor(const char* shader, Precision p, bool storageReads) {
  return std::string(shader) + (storageReads ? "_sr" : "") + (p == Precision::Fp16 ? "_fp16" : "");
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

}  // namespace vkc::ops
