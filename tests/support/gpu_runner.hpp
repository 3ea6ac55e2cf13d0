#pragma once
// Helpers for op tests: put host vectors on the device, run dispatches, read results back.
#include <vector>

#include "ops/tensor_ref.hpp"
#include "selftest/reference.hpp"
#include "selftest/runner_internal.hpp"
#include "vk/device.hpp"

namespace vkc::test {

vk::Buffer upload(vk::Device& device, const std::vector<float>& data);
vk::Buffer uploadBytes(vk::Device& device, const std::vector<uint8_t>& data);
std::vector<float> download(vk::Device& device, const vk::Buffer& buffer, size_t count);
vk::BufferSlice whole(const vk::Buffer& buffer);

// Channels [cOffset, cOffset + c) of a tensor stored (CNHW) from the start of `buffer`, bound at
// 256 bytes (the self-test's).
using selftest::detail::tensorRef;

// The self-test's (src/selftest/runner_internal.hpp): floats a [n, c, hw] tensor takes on the
// device (padded channel planes), and the device order from and to the references' NCHW.
using selftest::detail::deviceCount;
using selftest::detail::fromDevice;
using selftest::detail::toDevice;

// Records the dispatches in order with a full barrier between consecutive ones, submits, waits.
void runDispatches(vk::Device& device, const std::vector<vk::Dispatch>& dispatches);

// Deterministic values in [lo, hi) for test inputs (the self-test's LCG; not detweights).
using selftest::randomVector;

}  // namespace vkc::test
