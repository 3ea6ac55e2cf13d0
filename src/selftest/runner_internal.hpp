#pragma once
// What the runner's source files share: a pending case, tensor upload and download in the CNHW
// layout, and the comparison against the reference.
#include <functional>
#include <vector>

#include "ops/tensor_ref.hpp"
#include "selftest/runner.hpp"

namespace vkc::selftest {

struct CaseRunner::Pending {
  CaseResult result;
  std::vector<vk::Buffer> buffers;  // alive until the case has run
  std::vector<vk::Dispatch> dispatches;
  std::function<void(CaseResult&)> check;  // after the run: downloads and compares
};

namespace detail {

// Outputs start as this (exact in fp16 as in fp32): channels an op must not write keep it.
constexpr float kSentinel = -12288.0f;

size_t deviceCount(int n, int c, int hw);
std::vector<float> toDevice(const std::vector<float>& nchw, int n, int c, int hw);
std::vector<float> fromDevice(const std::vector<float>& cnhw, int n, int c, int hw);
std::vector<uint8_t> tensorBytes(const std::vector<float>& values, ops::Precision precision);
vk::Buffer uploadTensor(vk::Device& device, const std::vector<float>& values,
                        ops::Precision precision);
vk::Buffer uploadBytes(vk::Device& device, const std::vector<uint8_t>& bytes);
std::vector<float> downloadTensor(vk::Device& device, const vk::Buffer& buffer, size_t count,
                                  ops::Precision precision);
// A tensor at channel offset `cOffset` of `buffer`, bound at an alignment of 256 (the largest
// minStorageBufferOffsetAlignment Vulkan allows), so the shaders' element offsets are used.
ops::TensorRef tensorRef(const vk::Buffer& buffer, int n, int c, int h, int w, int cOffset = 0,
                         ops::Precision precision = ops::Precision::Fp32);

// Checks channels [offset, offset + channels) of `got` ([n, total, hw], NCHW) against `want`
// ([n, channels, hw]) within bound(i) of element i, and that the other channels hold kSentinel;
// records the first violation and the largest error in `result`.
void compareSlice(CaseResult& result, const std::vector<float>& got,
                  const std::vector<double>& want, int n, int channels, int hw, int total,
                  int offset, const std::function<double(size_t)>& bound);
// The same with another sentinel (the op tests').
void compareSlice(CaseResult& result, const std::vector<float>& got,
                  const std::vector<double>& want, int n, int channels, int hw, int total,
                  int offset, float sentinel, const std::function<double(size_t)>& bound);

}  // namespace detail
}  // namespace vkc::selftest
