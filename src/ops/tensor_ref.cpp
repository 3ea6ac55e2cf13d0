#include "ops/tensor_ref.hpp"

namespace vkc::ops {

TensorRef sliceRef(VkBuffer buffer, VkDeviceSize baseOffset, VkDeviceSize alignment, int batch,
                   int channels, int height, int width, int cOffset) {
  const VkDeviceSize plane = planeElements(batch, height, width) * sizeof(float);
  const VkDeviceSize begin = baseOffset + VkDeviceSize(cOffset) * plane;
  const VkDeviceSize end = begin + VkDeviceSize(channels) * plane;
  const VkDeviceSize bound = begin / alignment * alignment;
  TensorRef ref;
  ref.slice = {buffer, bound, end - bound};
  ref.elementOffset = static_cast<int>((begin - bound) / sizeof(float));
  ref.batch = batch;
  ref.channels = channels;
  ref.height = height;
  ref.width = width;
  return ref;
}

}  // namespace vkc::ops
