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

// A plain or sliced NCHW view of a whole buffer.
ops::TensorRef tensorRef(const vk::Buffer& buffer, int n, int c, int h, int w, int cTotal = -1,
                         int cOffset = 0);

// Records the dispatches in order with a full barrier between consecutive ones, submits, waits.
void runDispatches(vk::Device& device, const std::vector<vk::Dispatch>& dispatches);

// Deterministic values in [lo, hi) for test inputs (a small LCG; not detweights).
std::vector<float> randomVector(size_t count, uint32_t seed, float lo = -1.0f, float hi = 1.0f);

}  // namespace vkc::test
