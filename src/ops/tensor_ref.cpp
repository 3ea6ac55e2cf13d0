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

vk::BufferSlice readSlice(const TensorRef& t, int components) {
  const VkDeviceSize texelBytes = components * elementBytes(t.precision);
  const VkDeviceSize bytes =
      (t.elementOffset + VkDeviceSize(t.channels) * planeElements(t.batch, t.height, t.width)) *
      elementBytes(t.precision);
  const VkDeviceSize texels = (bytes + texelBytes - 1) / texelBytes;
  return {t.slice.buffer, t.slice.offset, std::min(t.slice.range, texels * texelBytes)};
}

ReadPath readPathFor(const vk::KernelCache& kernels, const vk::DeviceInfo& device,
                     std::initializer_list<ReadView> views) {
  const vk::DevicePolicy& policy = kernels.policy();
  if (policy.storageReads) return ReadPath::StorageBuffers;
  for (const ReadView& v : views) {
    const VkDeviceSize texelBytes = v.components * elementBytes(v.precision);
    const VkDeviceSize texels = (v.bytes + texelBytes - 1) / texelBytes;
    if (texels <= device.maxTexelBufferElements) continue;
    if (!policy.storageReadPath) {
      throw Error("a view of " + std::to_string(texels) + " texels is over this device's " +
                  "maxTexelBufferElements (" + std::to_string(device.maxTexelBufferElements) +
                  ") and its driver cannot take the storage-read path (vkc-info: driver_bug); " +
                  "use a smaller batch");
    }
    return ReadPath::StorageBuffers;
  }
  return policy.texelBinding == vk::TexelBinding::Storage ? ReadPath::StorageTexels
                                                          : ReadPath::UniformTexels;
}

std::vector<VkFormat> readFormats(ReadPath path, std::initializer_list<ReadView> views) {
  std::vector<VkFormat> formats;
  if (path == ReadPath::StorageBuffers) return formats;
  for (const ReadView& v : views)
    formats.push_back(texelFormat(v.precision, v.components));
  return formats;
}

VkDescriptorType texelDescriptorType(ReadPath path) {
  return path == ReadPath::StorageTexels ? VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER
                                         : VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
}

}  // namespace vkc::ops
