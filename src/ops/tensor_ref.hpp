#pragma once
// What an op sees of a tensor on the device: a [batch, channels, height, width] fp32 tensor in
// CNHW order (element (n, c, h, w) at c * planeElements + (n * height + h) * width + w), starting
// `elementOffset` floats into the bound buffer range. A channel slice of a larger tensor (a
// branch's part of a concat) is contiguous in this order, so it is bound on its own.
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "ops/precision.hpp"
#include "vk/device_info.hpp"
#include "vk/dispatch.hpp"
#include "vk/kernels.hpp"

namespace vkc::ops {

struct TensorRef {
  vk::BufferSlice slice;
  int elementOffset = 0;
  int batch = 1, channels = 1, height = 1, width = 1;
  Precision precision = Precision::Fp32;
};

// Elements of one channel plane: batch x height x width, padded to a multiple of 8 so that
// 4 consecutive pixels of a channel form one aligned texel and every channel slice starts on
// 16 bytes in fp16 as in fp32 (see shaders/common.glsl).
inline size_t planeElements(int batch, int height, int width) {
  return (size_t(batch) * height * width + 7) / 8 * 8;
}

// The binding for channels [cOffset, cOffset + channels) of a tensor with `cTotal` channels
// stored at [baseOffset, ...) of `buffer`: the range starts at the slice aligned down to
// `alignment` (minStorageBufferOffsetAlignment) and ends where the slice ends.
TensorRef sliceRef(VkBuffer buffer, VkDeviceSize baseOffset, VkDeviceSize alignment, int batch,
                   int channels, int height, int width, int cOffset,
                   Precision precision = Precision::Fp32);

// The bytes of `t` a shader reads through a VKC_READ binding of `components` (1 or 4) elements
// per texel: whole texels, within the tensor's binding.
vk::BufferSlice readSlice(const TensorRef& t, int components);

// One VKC_READ binding of a dispatch: its bytes and elements per texel.
struct ReadView {
  VkDeviceSize bytes;
  int components;
  Precision precision;
};
// How a dispatch's VKC_READ bindings are bound (ReadPath): storage buffers where the device
// policy says so or where any view would exceed maxTexelBufferElements, else texel buffers of
// the policy's kind (DevicePolicy::texelBinding). With `shader` (the build's base name, its
// precision the first view's), a path whose build the self-test failed on this device
// (DevicePolicy::verdicts) gives way to another the views allow; where none is left, throws
// vkc::Error (UnsupportedDevice) naming the device, its driver and the failed builds.
ReadPath readPathFor(const vk::KernelCache& kernels, const vk::DeviceInfo& device,
                     std::initializer_list<ReadView> views, const char* shader = nullptr);
// Whether the build `shaderFor(shader, precision, path)` is usable: not failed by the self-test.
bool buildUsable(const vk::DevicePolicy& policy, const char* shader, Precision precision,
                 ReadPath path = ReadPath::UniformTexels);
// Whether any read path's build of `shader` at `precision` is usable.
bool anyBuildUsable(const vk::DevicePolicy& policy, const char* shader, Precision precision);
// shaderFor(shader, precision) for a kernel with one build per precision, or the no-correct-kernel
// error where the self-test failed it on this device.
std::string usableBuild(const vk::KernelCache& kernels, const char* shader, Precision precision);
// The error of a layer with no correct kernel left: names the device, driver and builds.
[[noreturn]] void throwNoCorrectKernel(const vk::DeviceInfo& device, const vk::DevicePolicy& policy,
                                       const std::string& what,
                                       const std::vector<std::string>& builds);
// The views' texel formats for a texel path; none (all storage buffers) for the storage one.
std::vector<VkFormat> readFormats(ReadPath path, std::initializer_list<ReadView> views);
VkDescriptorType texelDescriptorType(ReadPath path);

}  // namespace vkc::ops
