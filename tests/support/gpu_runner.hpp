#pragma once
// Helpers for op tests: put host vectors on the device, run dispatches, read results back.
#include <vector>

#include "ops/tensor_ref.hpp"
#include "vk/device.hpp"

namespace vkc::test {

vk::Buffer upload(vk::Device& device, const std::vector<float>& data);
vk::Buffer uploadBytes(vk::Device& device, const std::vector<uint8_t>& data);
std::vector<float> download(vk::Device& device, const vk::Buffer& buffer, size_t count);
vk::BufferSlice whole(const vk::Buffer& buffer);

// Channels [cOffset, cOffset + c) of a tensor stored (CNHW) from the start of `buffer`.
ops::TensorRef tensorRef(const vk::Buffer& buffer, int n, int c, int h, int w, int cOffset = 0,
                         ops::Precision precision = ops::Precision::Fp32);

// Floats a [n, c, hw] tensor takes on the device (padded channel planes, ops/tensor_ref.hpp).
size_t deviceCount(int n, int c, int hw);
// The device order from and to the NCHW order of the references.
std::vector<float> toDevice(const std::vector<float>& nchw, int n, int c, int hw);
std::vector<float> fromDevice(const std::vector<float>& cnhw, int n, int c, int hw);

// Records the dispatches in order with a full barrier between consecutive ones, submits, waits.
void runDispatches(vk::Device& device, const std::vector<vk::Dispatch>& dispatches);

// Deterministic values in [lo, hi) for test inputs (a small LCG; not detweights).
std::vector<float> randomVector(size_t count, uint32_t seed, float lo = -1.0f, float hi = 1.0f);

}  // namespace vkc::test
