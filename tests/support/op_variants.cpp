#include "support/op_variants.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "io/half.hpp"
#include "selftest/runner_internal.hpp"
#include "support/gpu_runner.hpp"
#include "support/vulkan_env.hpp"

namespace vkc::test {

const std::vector<OpVariant>& opVariants() {
  using ops::Precision;
  constexpr vk::ConvKernel kIgemm = vk::ConvKernel::Igemm;
  constexpr vk::ConvKernel kRegtile = vk::ConvKernel::Regtile;
  const ops::ConvTiling kAtOnceTwoPixels = [] {  // what graph::Program gives small networks
    ops::ConvTiling tiling = ops::kAtOnceTiling;
    tiling.atOncePixels = 2;
    return tiling;
  }();
  static const std::vector<OpVariant> variants = {
      {"texel_fp32_large", Precision::Fp32, false, false, ops::kLargeTiling},
      {"texel_fp32_small", Precision::Fp32, false, false, ops::kSmallTiling},
      {"storage_fp32_large", Precision::Fp32, true, false, ops::kLargeTiling},
      {"storage_fp32_small", Precision::Fp32, true, false, ops::kSmallTiling},
      {"minimum_limits_fp32", Precision::Fp32, false, true, ops::kSmallTiling},
      {"texel_fp16", Precision::Fp16, false, false, ops::kSmallTiling},
      {"storage_fp16", Precision::Fp16, true, false, ops::kSmallTiling},
      {"texel_fp32_at_once", Precision::Fp32, false, false, ops::kAtOnceTiling},
      {"storage_fp16_at_once", Precision::Fp16, true, false, ops::kAtOnceTiling},
      {"texel_fp32_at_once_2px", Precision::Fp32, false, false, kAtOnceTwoPixels},
      {"uniform_texel_fp32", Precision::Fp32, false, false, ops::kSmallTiling, true},
      {"uniform_texel_fp16", Precision::Fp16, false, false, ops::kSmallTiling, true},
      // The implicit GEMM (ops/conv_plan.hpp), which reads storage buffers whatever the policy:
      // its tiles on lavapipe's limits, in fp32 and fp16; with K split into 3 slices (and the
      // reduce shader) wherever K has 3 steps of the tile; at the Vulkan 1.1 minimum limits (16
      // KiB of shared memory, 128 invocations: the three smaller tiles). The register blocks
      // are lavapipe's, which graph::Program would give its Winograd products.
      {"igemm_fp32", Precision::Fp32, false, false, ops::kLargeTiling, false, kIgemm},
      {"igemm_fp16", Precision::Fp16, false, false, ops::kLargeTiling, false, kIgemm},
      {"igemm_fp32_splitk", Precision::Fp32, false, false, ops::kLargeTiling, false, kIgemm, 3},
      {"igemm_fp32_minimum_limits", Precision::Fp32, false, true, ops::kLargeTiling, false, kIgemm},
      // The register-tiled implicit GEMM, which reads through the policy's path, each variant
      // through another build: lavapipe's storage texel buffers (fp32), storage buffers (fp16),
      // uniform texel buffers at the Vulkan 1.1 minimum limits (64 lanes at most).
      {"regtile_fp32", Precision::Fp32, false, false, ops::kLargeTiling, false, kRegtile},
      {"regtile_storage_fp16", Precision::Fp16, true, false, ops::kLargeTiling, false, kRegtile},
      {"regtile_fp32_minimum_limits", Precision::Fp32, false, true, ops::kLargeTiling, false,
       kRegtile},
  };
  return variants;
}

std::vector<OpVariant> opVariantsWhere(const std::function<bool(const OpVariant&)>& applies) {
  std::vector<OpVariant> found;
  for (const OpVariant& v : opVariants()) {
    if (applies(v)) found.push_back(v);
  }
  return found;
}

std::string variantTestName(const std::string& caseName, const OpVariant& variant) {
  return caseName + "__" + variant.id;
}

vk::Device& deviceFor(const OpVariant& variant) {
  return sharedDevice(variant.storageReads, variant.minimumLimits, variant.uniformTexels,
                      variant.convKernel, variant.splitK);
}

std::string unavailable(const OpVariant& variant) {
  if (variant.precision != ops::Precision::Fp16) return "";
  const vk::DevicePolicy& policy = deviceFor(variant).policy();
  return policy.fp16 ? "" : "no fp16 on this device: " + policy.noFp16Reason;
}

vk::Buffer uploadTensor(vk::Device& device, const std::vector<float>& values,
                        ops::Precision precision) {
  if (precision == ops::Precision::Fp32) return upload(device, values);
  std::vector<uint16_t> halves(values.size());
  io::floatsToHalves(values.data(), values.size(), halves.data());
  const auto* bytes = reinterpret_cast<const uint8_t*>(halves.data());
  return uploadBytes(device, std::vector<uint8_t>(bytes, bytes + halves.size() * 2));
}

std::vector<float> downloadTensor(vk::Device& device, const vk::Buffer& buffer, size_t count,
                                  ops::Precision precision) {
  if (precision == ops::Precision::Fp32) return download(device, buffer, count);
  std::vector<uint16_t> halves(count);
  device.download(buffer, halves.data(), count * sizeof(uint16_t));
  std::vector<float> values(count);
  io::halvesToFloats(halves.data(), count, values.data());
  return values;
}

std::vector<float> sliceOf(const std::vector<float>& got, int n, int channels, int hw, int total,
                           int offset) {
  std::vector<float> slice(size_t(n) * channels * hw);
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < channels; ++c)
      for (int i = 0; i < hw; ++i)
        slice[(size_t(b) * channels + c) * hw + i] = got[(size_t(b) * total + offset + c) * hw + i];
  return slice;
}

Comparison compareSlice(const std::string& what, const std::vector<float>& got,
                        const std::vector<double>& want, int n, int channels, int hw, int total,
                        int offset, float sentinel, const std::function<double(size_t)>& bound) {
  // The self-test's comparison (src/selftest/runner.cpp), its first violation a test failure.
  selftest::CaseResult r;
  selftest::detail::compareSlice(r, got, want, n, channels, hw, total, offset, sentinel, bound);
  if (!r.ok) ADD_FAILURE() << what << ": " << r.failure;
  return {r.maxError, r.maxRatio, r.ok};
}

}  // namespace vkc::test
