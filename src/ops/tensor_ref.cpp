#include "ops/tensor_ref.hpp"

#include <algorithm>
#include <string>

#include "vkception/error.hpp"

namespace vkc::ops {

TensorRef sliceRef(VkBuffer buffer, VkDeviceSize baseOffset, VkDeviceSize alignment, int batch,
                   int channels, int height, int width, int cOffset, Precision precision) {
  const VkDeviceSize element = elementBytes(precision);
  const VkDeviceSize plane = planeElements(batch, height, width) * element;
  const VkDeviceSize begin = baseOffset + VkDeviceSize(cOffset) * plane;
  const VkDeviceSize end = begin + VkDeviceSize(channels) * plane;
  const VkDeviceSize bound = begin / alignment * alignment;
  TensorRef ref;
  ref.slice = {buffer, bound, end - bound};
  ref.elementOffset = static_cast<int>((begin - bound) / element);
  ref.batch = batch;
  ref.channels = channels;
  ref.height = height;
  ref.width = width;
  ref.precision = precision;
  return ref;
}

void requireTexels(VkDeviceSize texels, const vk::DeviceInfo& device, const std::string& what,
                   const std::string& hint) {
  if (texels > device.maxTexelBufferElements) {
    throw Error(what + " " + std::to_string(texels) +
                " texels is over this device's maxTexelBufferElements (" +
                std::to_string(device.maxTexelBufferElements) + ")" + hint);
  }
}

vk::BufferSlice texelSlice(const TensorRef& t, int components, const vk::DeviceInfo& device,
                           const char* op) {
  const VkDeviceSize texelBytes = components * elementBytes(t.precision);
  const VkDeviceSize bytes =
      (t.elementOffset + VkDeviceSize(t.channels) * planeElements(t.batch, t.height, t.width)) *
      elementBytes(t.precision);
  const VkDeviceSize texels = (bytes + texelBytes - 1) / texelBytes;
  requireTexels(texels, device, std::string(op) + ": an input of", "; use a smaller batch");
  return {t.slice.buffer, t.slice.offset, std::min(t.slice.range, texels * texelBytes)};
}

}  // namespace vkc::ops
