#pragma once
// Every way the library can run an op, for the op tests (tests/ops/): each case runs under each
// variant that applies to its op, as its own test (name suffix: the variant's id), against the
// same double-precision reference, with the same upload, sentinels and comparison. A new variant
// is one line in opVariants().
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ops/conv2d.hpp"
#include "selftest/reference.hpp"
#include "vk/device.hpp"

namespace vkc::test {

struct OpVariant {
  std::string id;  // "texel_fp32_large", ...: the test name's suffix
  ops::Precision precision = ops::Precision::Fp32;
  // Every read through storage buffers (DevicePolicy::storageReads), not only where a texel view
  // would exceed maxTexelBufferElements.
  bool storageReads = false;
  bool minimumLimits = false;                  // the device read at the Vulkan 1.1 minimum
  ops::ConvTiling tiling = ops::kSmallTiling;  // convolutions' register blocks
  // Texel reads through uniform texel buffers (the GPU path) where the device policy would take
  // storage texel buffers (DevicePolicy::texelBinding; the other variants take the policy's).
  bool uniformTexels = false;
  // The convolutions' kernel family forced (DevicePolicy::convKernel; none: the policy's), and
  // K split into this many slices wherever it has as many steps (DevicePolicy::convSplitK).
  std::optional<vk::ConvKernel> convKernel;
  int splitK = 0;
};

inline void PrintTo(const OpVariant& v, std::ostream* os) {
  *os << v.id;
}

const std::vector<OpVariant>& opVariants();
std::vector<OpVariant> opVariantsWhere(const std::function<bool(const OpVariant&)>& applies);
std::string variantTestName(const std::string& caseName, const OpVariant& variant);

// The validated device of the variant (vulkan_env.hpp), and why the variant cannot run on it
// (fp16 without the device's fp16 support; empty: it can).
vk::Device& deviceFor(const OpVariant& variant);
std::string unavailable(const OpVariant& variant);

// Values as the variant's tensors hold them, and the unit roundoff of its storage format: the
// self-test's (src/selftest/reference.hpp).
using selftest::roundedTo;
using selftest::storedShare;
using selftest::unitRoundoff;
// Tensor data in the variant's format, and back as floats.
vk::Buffer uploadTensor(vk::Device& device, const std::vector<float>& values,
                        ops::Precision precision);
std::vector<float> downloadTensor(vk::Device& device, const vk::Buffer& buffer, size_t count,
                                  ops::Precision precision);

// Compares `got`, a [n, total, hw] result (NCHW) into whose channels [offset, offset + channels)
// the op wrote, with `want` ([n, channels, hw]) within bound(i) of element i of `want`; the other
// channels must still hold `sentinel`. Reports the first violation as a test failure.
struct Comparison {
  double maxError = 0, maxRatio = 0;  // worst |got - want| and worst |got - want| / bound
  bool ok = true;
};
// The channels [offset, offset + channels) of a [n, total, hw] tensor, as [n, channels, hw]: the
// layout of compareSlice's `want`, for compareTensors (support/compare.hpp).
std::vector<float> sliceOf(const std::vector<float>& got, int n, int channels, int hw, int total,
                           int offset);
Comparison compareSlice(const std::string& what, const std::vector<float>& got,
                        const std::vector<double>& want, int n, int channels, int hw, int total,
                        int offset, float sentinel, const std::function<double(size_t)>& bound);

}  // namespace vkc::test
