// Pooling, global average pool, concat copy, softmax and preprocessing vs. CPU references.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>

#include "ops/elementwise.hpp"
#include "ops/pool2d.hpp"
#include "support/compare.hpp"
#include "support/cpu_reference.hpp"
#include "support/gpu_runner.hpp"
#include "support/op_variants.hpp"
#include "support/vulkan_env.hpp"

namespace vkc::test {
namespace {

constexpr float kSentinel = -777.0f;  // exact in fp16 as in fp32

// The variants that apply to ops without register blocks: pooling reads through texel (both
// kinds) or storage buffers, and the at-once start gives it one segment length for every row;
// the other small ops read storage buffers in every variant, so only the precision and the
// limits vary.
std::vector<OpVariant> poolVariants() {
  return opVariantsWhere(
      [](const OpVariant& v) { return v.tiling.maxQuads == ops::kSmallTiling.maxQuads; });
}
std::vector<OpVariant> smallOpVariants() {
  return opVariantsWhere([](const OpVariant& v) {
    return !v.storageReads && !v.uniformTexels && v.tiling.maxQuads == ops::kSmallTiling.maxQuads &&
           !v.tiling.atOnce;
  });
}
std::string nameOf(const testing::TestParamInfo<OpVariant>& info) {
  return info.param.id;
}

#define SKIP_UNAVAILABLE(variant)                 \
  do {                                            \
    const std::string why = unavailable(variant); \
    if (!why.empty()) GTEST_SKIP() << why;        \
  } while (0)

struct PoolCase {
  std::string name;
  int batch, channels, size;
  int kernel, stride, pad;
  ops::PoolMode mode;
  int outCTotal, outCOffset;
};

void PrintTo(const PoolCase& c, std::ostream* os) {
  *os << c.name;
}

class Pool2dTest : public testing::TestWithParam<std::tuple<PoolCase, OpVariant>> {};

// Each variant's device binds its reads the way the variant's name says (a variant that silently
// ran another path would leave that path untested).
TEST(OpVariants, EachReadsThroughTheBindingItNames) {
  for (const OpVariant& v : opVariants()) {
    const vk::Device& device = deviceFor(v);
    const vk::DevicePolicy& p = device.policy();
    EXPECT_EQ(p.storageReads, v.storageReads) << v.id;
    const bool storageTexels = !v.uniformTexels && p.deviceClass == vk::DeviceClass::CpuDriver &&
                               device.info().storageTexelBuffers;
    EXPECT_EQ(p.texelBinding, storageTexels ? vk::TexelBinding::Storage : vk::TexelBinding::Uniform)
        << v.id;
  }
}

TEST_P(Pool2dTest, MatchesCpuReference) {
  const PoolCase& tc = std::get<0>(GetParam());
  const OpVariant& variant = std::get<1>(GetParam());
  SKIP_UNAVAILABLE(variant);
  vk::Device& device = deviceFor(variant);
  const ops::Precision precision = variant.precision;
  auto x =
      roundedTo(precision, randomVector(size_t(tc.batch) * tc.channels * tc.size * tc.size, 11));
  int oh = 0, ow = 0;
  RefPool mode = tc.mode == ops::PoolMode::Max                 ? RefPool::Max
                 : tc.mode == ops::PoolMode::AverageExcludePad ? RefPool::AvgExcludePad
                                                               : RefPool::AvgIncludePad;
  auto ref = referencePool(x, tc.batch, tc.channels, tc.size, tc.size, tc.kernel, tc.stride, tc.pad,
                           mode, &oh, &ow);
  const int total = std::max(tc.outCTotal, tc.channels);
  vk::Buffer xb =
      uploadTensor(device, toDevice(x, tc.batch, tc.channels, tc.size * tc.size), precision);
  vk::Buffer yb = uploadTensor(
      device, std::vector<float>(deviceCount(tc.batch, total, oh * ow), kSentinel), precision);
  runDispatches(device, {ops::pool2dDispatch(
                            device.kernels(), device.info(),
                            tensorRef(xb, tc.batch, tc.channels, tc.size, tc.size, 0, precision),
                            {tc.kernel, tc.stride, tc.pad}, tc.mode,
                            tensorRef(yb, tc.batch, tc.channels, oh, ow, tc.outCOffset, precision),
                            variant.tiling.atOnce)});
  auto y = fromDevice(downloadTensor(device, yb, deviceCount(tc.batch, total, oh * ow), precision),
                      tc.batch, total, oh * ow);
  // Max is exact. An average of <= 9 fp32 values in [-1, 1): 9 additions and a division,
  // each off by at most half an ulp of a value <= 9: 10 * 9 * 2^-24; plus storedShare.
  const Comparison o = compareSlice(tc.name + " " + variant.id, y, ref, tc.batch, tc.channels,
                                    oh * ow, total, tc.outCOffset, kSentinel, [&](size_t i) {
                                      return tc.mode == ops::PoolMode::Max
                                                 ? 0.0
                                                 : 10 * 9 * std::ldexp(1.0, -24) +
                                                       storedShare(variant.precision, ref[i]);
                                    });
  std::printf("[ pool ] %-28s %-20s out %dx%d max |err| %.3g\n", tc.name.c_str(),
              variant.id.c_str(), oh, ow, o.maxError);
}

const PoolCase kPoolCases[] = {
    {"max_s2_valid_147", 1, 3, 147, 3, 2, 0, ops::PoolMode::Max, 0, 0},
    {"max_s2_valid_149", 2, 5, 149, 3, 2, 0, ops::PoolMode::Max, 0, 0},
    {"max_s2_valid_73", 1, 7, 73, 3, 2, 0, ops::PoolMode::Max, 0, 0},
    {"max_s2_valid_35", 3, 7, 35, 3, 2, 0, ops::PoolMode::Max, 0, 0},
    {"max_s2_valid_17", 1, 9, 17, 3, 2, 0, ops::PoolMode::Max, 0, 0},
    {"max_s2_valid_even_16", 1, 3, 16, 3, 2, 0, ops::PoolMode::Max, 0, 0},
    {"max_s1_same_7", 2, 3, 7, 3, 1, 1, ops::PoolMode::Max, 0, 0},
    {"avg_exclude_pad_35", 2, 5, 35, 3, 1, 1, ops::PoolMode::AverageExcludePad, 0, 0},
    {"avg_exclude_pad_8", 1, 3, 8, 3, 1, 1, ops::PoolMode::AverageExcludePad, 0, 0},
    {"avg_include_pad_17", 3, 4, 17, 3, 1, 1, ops::PoolMode::AverageIncludePad, 0, 0},
    {"max_into_slice_17", 2, 6, 17, 3, 2, 0, ops::PoolMode::Max, 15, 4},
};

INSTANTIATE_TEST_SUITE_P(Ops, Pool2dTest,
                         testing::Combine(testing::ValuesIn(kPoolCases),
                                          testing::ValuesIn(poolVariants())),
                         [](const auto& info) {
                           return variantTestName(std::get<0>(info.param).name,
                                                  std::get<1>(info.param));
                         });

class GlobalAvgPoolTest : public testing::TestWithParam<OpVariant> {};

TEST_P(GlobalAvgPoolTest, MatchesMeanOverGrid) {
  const OpVariant& v = GetParam();
  SKIP_UNAVAILABLE(v);
  vk::Device& device = deviceFor(v);
  const int n = 3, c = 37, hw = 8 * 8;
  auto x = roundedTo(v.precision, randomVector(size_t(n) * c * hw, 5));
  vk::Buffer xb = uploadTensor(device, toDevice(x, n, c, hw), v.precision);
  vk::Buffer yb =
      uploadTensor(device, std::vector<float>(deviceCount(n, c, 1), kSentinel), v.precision);
  runDispatches(device, {ops::globalAvgPoolDispatch(device.kernels(),
                                                    tensorRef(xb, n, c, 8, 8, 0, v.precision),
                                                    tensorRef(yb, n, c, 1, 1, 0, v.precision))});
  auto y = fromDevice(downloadTensor(device, yb, deviceCount(n, c, 1), v.precision), n, c, 1);
  for (int i = 0; i < n * c; ++i) {
    double want = 0;
    for (int k = 0; k < hw; ++k)
      want += x[size_t(i) * hw + k];
    want /= hw;
    // 64 sequential fp32 additions of values in [-1, 1): |err| <= 64 * 64 * 2^-24 / 64; plus
    // storedShare.
    EXPECT_NEAR(y[i], want, 64 * std::ldexp(1.0, -24) + storedShare(v.precision, want)) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, GlobalAvgPoolTest, testing::ValuesIn(smallOpVariants()), nameOf);

class CopyChannelsTest : public testing::TestWithParam<OpVariant> {};

TEST_P(CopyChannelsTest, ConcatFallbackWritesOnlyItsSlice) {
  const OpVariant& v = GetParam();
  SKIP_UNAVAILABLE(v);
  vk::Device& device = deviceFor(v);
  const int n = 2, c = 5, total = 12, offset = 6, h = 7, w = 3;
  auto x = roundedTo(v.precision, randomVector(size_t(n) * c * h * w, 6));
  vk::Buffer xb = uploadTensor(device, toDevice(x, n, c, h * w), v.precision);
  vk::Buffer yb = uploadTensor(device, std::vector<float>(deviceCount(n, total, h * w), kSentinel),
                               v.precision);
  runDispatches(device, {ops::copyChannelsDispatch(
                            device.kernels(), tensorRef(xb, n, c, h, w, 0, v.precision),
                            tensorRef(yb, n, c, h, w, offset, v.precision))});
  auto y = fromDevice(downloadTensor(device, yb, deviceCount(n, total, h * w), v.precision), n,
                      total, h * w);
  const std::vector<double> want(x.begin(), x.end());
  // A copy is exact, in fp16 as in fp32.
  compareSlice("copy " + v.id, y, want, n, c, h * w, total, offset, kSentinel,
               [](size_t) { return 0.0; });
}

INSTANTIATE_TEST_SUITE_P(Ops, CopyChannelsTest, testing::ValuesIn(smallOpVariants()), nameOf);

class SoftmaxTest : public testing::TestWithParam<OpVariant> {};

TEST_P(SoftmaxTest, RowsSumToOneAndMatchReference) {
  const OpVariant& v = GetParam();
  SKIP_UNAVAILABLE(v);
  vk::Device& device = deviceFor(v);
  const int rows = 3, classes = 1000;
  auto x = roundedTo(v.precision, randomVector(size_t(rows) * classes, 7, -30.0f, 30.0f));
  vk::Buffer xb = uploadTensor(device, toDevice(x, rows, classes, 1), v.precision);
  vk::Buffer yb =
      uploadTensor(device, std::vector<float>(deviceCount(rows, classes, 1), 0), v.precision);
  runDispatches(device, {ops::softmaxDispatch(device.kernels(),
                                              tensorRef(xb, rows, classes, 1, 1, 0, v.precision),
                                              tensorRef(yb, rows, classes, 1, 1, 0, v.precision))});
  auto y = fromDevice(downloadTensor(device, yb, deviceCount(rows, classes, 1), v.precision), rows,
                      classes, 1);
  // fp16 stores probabilities below 2^-14 as subnormals, 2^-24 apart: half that absolutely.
  const double subnormal = v.precision == ops::Precision::Fp16 ? std::ldexp(1.0, -25) : 0.0;
  for (int r = 0; r < rows; ++r) {
    double m = -1e300, s = 0, sum = 0;
    for (int i = 0; i < classes; ++i)
      m = std::max(m, double(x[r * classes + i]));
    for (int i = 0; i < classes; ++i)
      s += std::exp(x[r * classes + i] - m);
    for (int i = 0; i < classes; ++i) {
      double want = std::exp(x[r * classes + i] - m) / s;
      // exp in fp32 is accurate to a few ulp on GPUs (Vulkan allows 3 + 2|x| ulp); the sum of
      // 1000 terms adds up to 1000 * 2^-24 relative: 1e-4 relative covers both with margin;
      // plus storedShare and the fp16 subnormals' spacing.
      ASSERT_NEAR(y[r * classes + i], want,
                  1e-4 * want + 1e-12 + storedShare(v.precision, want) + subnormal)
          << r << "," << i;
      sum += y[r * classes + i];
    }
    // The sum of the stored probabilities: 1e-4 as above, and each of the 1000 within its fp16
    // share: 2 * 2^-11 of their sum, 1, plus 1000 subnormal spacings.
    EXPECT_NEAR(sum, 1.0, 1e-4 + storedShare(v.precision, 1.0) + classes * subnormal);
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, SoftmaxTest, testing::ValuesIn(smallOpVariants()), nameOf);

class PreprocessTest : public testing::TestWithParam<OpVariant> {};

TEST_P(PreprocessTest, BytesToNormalisedNchw) {
  const OpVariant& v = GetParam();
  SKIP_UNAVAILABLE(v);
  vk::Device& device = deviceFor(v);
  const int n = 2, h = 5, w = 7;  // odd sizes: byte packing crosses uint boundaries
  std::vector<uint8_t> pixels(size_t(n) * h * w * 3);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t((i * 37 + 11) % 256);
  ops::Normalization norm{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
  vk::Buffer pb = uploadBytes(device, pixels);
  vk::Buffer yb =
      uploadTensor(device, std::vector<float>(deviceCount(n, 3, h * w), kSentinel), v.precision);
  runDispatches(device, {ops::preprocessDispatch(device.kernels(), whole(pb), norm,
                                                 tensorRef(yb, n, 3, h, w, 0, v.precision))});
  auto y =
      fromDevice(downloadTensor(device, yb, deviceCount(n, 3, h * w), v.precision), n, 3, h * w);
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < h * w; ++i) {
        double want =
            (pixels[(size_t(b) * h * w + i) * 3 + c] / 255.0 - norm.mean[c]) / norm.std[c];
        // Three fp32 operations on values below 5 in magnitude: a few ulp of 5; plus
        // storedShare.
        ASSERT_NEAR(y[(size_t(b) * 3 + c) * h * w + i], want, 1e-6 + storedShare(v.precision, want))
            << "n=" << b << " c=" << c << " i=" << i;
      }
}

INSTANTIATE_TEST_SUITE_P(Ops, PreprocessTest, testing::ValuesIn(smallOpVariants()), nameOf);

}  // namespace
}  // namespace vkc::test

namespace vkc::test {
namespace {

// Grids wider than maxComputeWorkGroupCount[0] (65535 on lavapipe and on many GPUs) are folded
// into z (vk::foldedGroups): Inception-v4's preprocessing at batch 16 needs 67056 workgroups of
// 64, which the validation layer reports as invalid unless folded; every element must still be
// written exactly once.
TEST(WideGridTest, PreprocessAndCopyPastTheWorkgroupCountLimit) {
  vk::Device& device = sharedDevice();
  const int n = 16, h = 299, w = 299;
  std::vector<uint8_t> pixels(size_t(n) * h * w * 3);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t((i * 131 + i / 7) % 256);
  ops::Normalization norm{{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
  vk::Buffer pb = uploadBytes(device, pixels);
  vk::Buffer yb = upload(device, std::vector<float>(deviceCount(n, 3, h * w), kSentinel));
  const vk::Dispatch pre =
      ops::preprocessDispatch(device.kernels(), whole(pb), norm, tensorRef(yb, n, 3, h, w));
  EXPECT_GT(pre.groups[2], 1u);  // folded
  runDispatches(device, {pre});
  const auto y = fromDevice(download(device, yb, deviceCount(n, 3, h * w)), n, 3, h * w);
  // Every element, so a slice of the folded grid that wrote nothing (the sentinel stays) shows;
  // 1e-6: one fp32 multiply-add on values in [-1, 1].
  std::vector<double> want(y.size());
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < h * w; ++i)
        want[(size_t(b) * 3 + c) * h * w + i] =
            (pixels[(size_t(b) * h * w + i) * 3 + c] / 255.0 - 0.5) / 0.5;
  ASSERT_TRUE(withinAbsolute(compareTensors(want, y), 1e-6));

  // A copy of 16 x 3 x 299 x 299 elements through copy_channels: exact, nothing left unwritten.
  vk::Buffer cb = upload(device, std::vector<float>(deviceCount(n, 3, h * w), kSentinel));
  runDispatches(device, {ops::copyChannelsDispatch(device.kernels(), tensorRef(yb, n, 3, h, w),
                                                   tensorRef(cb, n, 3, h, w))});
  EXPECT_EQ(fromDevice(download(device, cb, deviceCount(n, 3, h * w)), n, 3, h * w), y);
}

}  // namespace
}  // namespace vkc::test
