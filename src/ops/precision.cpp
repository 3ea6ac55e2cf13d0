#include "ops/precision.hpp"

#include "vkception/error.hpp"

namespace vkc::ops {

const char* precisionName(Precision p) {
  return p == Precision::Fp16 ? "fp16" : "fp32";
}

std::string shaderFor(const char* shader, Precision p, ReadPath reads) {
  const char* path = reads == ReadPath::StorageBuffers  ? "_sr"
                     : reads == ReadPath::StorageTexels ? "_st"
                                                        : "";
  return std::string(shader) + path + (p == Precision::Fp16 ? "_fp16" : "");
}

bool isFp16Build(const std::string& build) {
  return build.size() > 5 && build.compare(build.size() - 5, 5, "_fp16") == 0;
}

VkFormat texelFormat(Precision p, int components) {
  if (p == Precision::Fp16) {
    return components == 4 ? VK_FORMAT_R16G16B16A16_SFLOAT : VK_FORMAT_R16_SFLOAT;
  }
  return components == 4 ? VK_FORMAT_R32G32B32A32_SFLOAT : VK_FORMAT_R32_SFLOAT;
}

void requireFp16(const vk::DeviceInfo& device, const vk::DevicePolicy& policy) {
  if (!policy.fp16) {
    throw Error("fp16 is not available on " + device.name + ": " + policy.noFp16Reason,
                ErrorCode::UnsupportedDevice);
  }
}

}  // namespace vkc::ops
