#include "ops/tensor_ref.hpp"

#include <algorithm>
#include <string>
#include <vector>

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

namespace {

// The path the policy and the views' sizes choose, ignoring the self-test's verdicts.
ReadPath preferredPath(const vk::DevicePolicy& policy, const vk::DeviceInfo& device,
                       std::initializer_list<ReadView> views, bool* texelsFit) {
  *texelsFit = true;
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
    *texelsFit = false;
  }
  if (policy.storageReads || !*texelsFit) return ReadPath::StorageBuffers;
  return policy.texelBinding == vk::TexelBinding::Storage ? ReadPath::StorageTexels
                                                          : ReadPath::UniformTexels;
}

}  // namespace

bool buildUsable(const vk::DevicePolicy& policy, const char* shader, Precision precision,
                 ReadPath path) {
  return !policy.verdicts->failed(shaderFor(shader, precision, path));
}

bool anyBuildUsable(const vk::DevicePolicy& policy, const char* shader, Precision precision) {
  for (ReadPath path :
       {ReadPath::UniformTexels, ReadPath::StorageTexels, ReadPath::StorageBuffers}) {
    if (buildUsable(policy, shader, precision, path)) return true;
  }
  return false;
}

void throwNoCorrectKernel(const vk::DeviceInfo& device, const vk::DevicePolicy& policy,
                          const std::string& what, const std::vector<std::string>& builds) {
  std::string failed;
  const auto failures = policy.verdicts->failures();
  for (const std::string& b : builds) {
    auto it = failures.find(b);
    if (it == failures.end()) continue;
    failed += std::string(failed.empty() ? "" : "; ") + b + " (" + it->second + ")";
  }
  throw Error("no correct kernel left for " + what + " on " + device.name + " (driver " +
                  vk::driverVersionString(device) + "): the self-test failed " + failed +
                  " (vkc-info --self-test)",
              ErrorCode::UnsupportedDevice);
}

std::string usableBuild(const vk::KernelCache& kernels, const char* shader, Precision precision) {
  const std::string build = shaderFor(shader, precision);
  if (kernels.policy().verdicts->failed(build)) {
    throwNoCorrectKernel(kernels.info(), kernels.policy(), shader, {build});
  }
  return build;
}

ReadPath readPathFor(const vk::KernelCache& kernels, const vk::DeviceInfo& device,
                     std::initializer_list<ReadView> views, const char* shader) {
  const vk::DevicePolicy& policy = kernels.policy();
  bool texelsFit = true;
  const ReadPath preferred = preferredPath(policy, device, views, &texelsFit);
  if (!shader || views.size() == 0) return preferred;
  const Precision precision = views.begin()->precision;
  if (buildUsable(policy, shader, precision, preferred)) return preferred;
  // Another path the views allow: storage buffers where the driver can alias bindings, texel
  // buffers of either kind where every view fits one.
  std::vector<ReadPath> others;
  if (policy.storageReadPath) others.push_back(ReadPath::StorageBuffers);
  if (texelsFit) {
    others.push_back(policy.texelBinding == vk::TexelBinding::Storage ? ReadPath::StorageTexels
                                                                      : ReadPath::UniformTexels);
    if (policy.texelBinding == vk::TexelBinding::Storage) others.push_back(ReadPath::UniformTexels);
  }
  for (ReadPath path : others) {
    if (path != preferred && buildUsable(policy, shader, precision, path)) return path;
  }
  std::vector<std::string> builds;
  for (ReadPath path : {ReadPath::UniformTexels, ReadPath::StorageTexels, ReadPath::StorageBuffers})
    builds.push_back(shaderFor(shader, precision, path));
  throwNoCorrectKernel(device, kernels.policy(), shader, builds);
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
