// Pooling, global average pool, concat copy, softmax and preprocessing vs. CPU references.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ops/elementwise.hpp"
#include "ops/pool2d.hpp"
#include "support/cpu_reference.hpp"
#include "support/gpu_runner.hpp"
#include "support/vulkan_env.hpp"

namespace vkc::test {
namespace {

constexpr float kSentinel = -777.0f;

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

class Pool2dTest : public testing::TestWithParam<PoolCase> {};

TEST_P(Pool2dTest, MatchesCpuReference) {
  const PoolCase& tc = GetParam();
  vk::Device& device = sharedDevice();
  auto x = randomVector(size_t(tc.batch) * tc.channels * tc.size * tc.size, 11);
  int oh = 0, ow = 0;
  RefPool mode = tc.mode == ops::PoolMode::Max                 ? RefPool::Max
                 : tc.mode == ops::PoolMode::AverageExcludePad ? RefPool::AvgExcludePad
                                                               : RefPool::AvgIncludePad;
  auto ref = referencePool(x, tc.batch, tc.channels, tc.size, tc.size, tc.kernel, tc.stride, tc.pad,
                           mode, &oh, &ow);
  const int total = std::max(tc.outCTotal, tc.channels);
  vk::Buffer xb = upload(device, toDevice(x, tc.batch, tc.channels, tc.size * tc.size));
  vk::Buffer yb =
      upload(device, std::vector<float>(deviceCount(tc.batch, total, oh * ow), kSentinel));
  runDispatches(device,
                {ops::pool2dDispatch(device.kernels(), device.info(),
                                     tensorRef(xb, tc.batch, tc.channels, tc.size, tc.size),
                                     {tc.kernel, tc.stride, tc.pad}, tc.mode,
                                     tensorRef(yb, tc.batch, tc.channels, oh, ow, tc.outCOffset))});
  auto y = fromDevice(download(device, yb, deviceCount(tc.batch, total, oh * ow)), tc.batch, total,
                      oh * ow);
  double maxErr = 0;
  for (int n = 0; n < tc.batch; ++n)
    for (int c = 0; c < total; ++c)
      for (int i = 0; i < oh * ow; ++i) {
        float got = y[(size_t(n) * total + c) * oh * ow + i];
        int local = c - tc.outCOffset;
        if (local < 0 || local >= tc.channels) {
          ASSERT_EQ(got, kSentinel) << "wrote outside its slice at c=" << c;
          continue;
        }
        double want = ref[(size_t(n) * tc.channels + local) * oh * ow + i];
        // Max is exact. An average of <= 9 fp32 values in [-1, 1): 9 additions and a division,
        // each off by at most half an ulp of a value <= 9: 10 * 9 * 2^-24.
        double tol = tc.mode == ops::PoolMode::Max ? 0.0 : 10 * 9 * std::ldexp(1.0, -24);
        ASSERT_LE(std::fabs(got - want), tol) << "n=" << n << " c=" << local << " pixel=" << i;
        maxErr = std::max(maxErr, std::fabs(got - want));
      }
  std::printf("[ pool ] %-28s out %dx%d max |err| %.3g\n", tc.name.c_str(), oh, ow, maxErr);
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

INSTANTIATE_TEST_SUITE_P(Ops, Pool2dTest, testing::ValuesIn(kPoolCases),
                         [](const auto& info) { return info.param.name; });

TEST(GlobalAvgPoolTest, MatchesMeanOverGrid) {
  vk::Device& device = sharedDevice();
  const int n = 3, c = 37, hw = 8 * 8;
  auto x = randomVector(size_t(n) * c * hw, 5);
  vk::Buffer xb = upload(device, toDevice(x, n, c, hw));
  vk::Buffer yb = upload(device, std::vector<float>(deviceCount(n, c, 1), kSentinel));
  runDispatches(device, {ops::globalAvgPoolDispatch(device.kernels(), tensorRef(xb, n, c, 8, 8),
                                                    tensorRef(yb, n, c, 1, 1))});
  auto y = fromDevice(download(device, yb, deviceCount(n, c, 1)), n, c, 1);
  for (int i = 0; i < n * c; ++i) {
    double want = 0;
    for (int k = 0; k < hw; ++k)
      want += x[size_t(i) * hw + k];
    want /= hw;
    // 64 sequential fp32 additions of values in [-1, 1): |err| <= 64 * 64 * 2^-24 / 64.
    EXPECT_NEAR(y[i], want, 64 * std::ldexp(1.0, -24)) << i;
  }
}

TEST(CopyChannelsTest, ConcatFallbackWritesOnlyItsSlice) {
  vk::Device& device = sharedDevice();
  const int n = 2, c = 5, total = 12, offset = 6, h = 7, w = 3;
  auto x = randomVector(size_t(n) * c * h * w, 6);
  vk::Buffer xb = upload(device, toDevice(x, n, c, h * w));
  vk::Buffer yb = upload(device, std::vector<float>(deviceCount(n, total, h * w), kSentinel));
  runDispatches(device, {ops::copyChannelsDispatch(device.kernels(), tensorRef(xb, n, c, h, w),
                                                   tensorRef(yb, n, c, h, w, offset))});
  auto y = fromDevice(download(device, yb, deviceCount(n, total, h * w)), n, total, h * w);
  for (int b = 0; b < n; ++b)
    for (int ch = 0; ch < total; ++ch)
      for (int i = 0; i < h * w; ++i) {
        float got = y[(size_t(b) * total + ch) * h * w + i];
        bool inside = ch >= offset && ch < offset + c;
        float want = inside ? x[(size_t(b) * c + ch - offset) * h * w + i] : kSentinel;
        ASSERT_EQ(got, want) << "n=" << b << " c=" << ch << " i=" << i;  // a copy is exact
      }
}

TEST(SoftmaxTest, RowsSumToOneAndMatchReference) {
  vk::Device& device = sharedDevice();
  const int rows = 3, classes = 1000;
  auto x = randomVector(size_t(rows) * classes, 7, -30.0f, 30.0f);
  vk::Buffer xb = upload(device, toDevice(x, rows, classes, 1));
  vk::Buffer yb = upload(device, std::vector<float>(deviceCount(rows, classes, 1), 0));
  runDispatches(device, {ops::softmaxDispatch(device.kernels(), tensorRef(xb, rows, classes, 1, 1),
                                              tensorRef(yb, rows, classes, 1, 1))});
  auto y = fromDevice(download(device, yb, deviceCount(rows, classes, 1)), rows, classes, 1);
  for (int r = 0; r < rows; ++r) {
    double m = -1e300, s = 0, sum = 0;
    for (int i = 0; i < classes; ++i)
      m = std::max(m, double(x[r * classes + i]));
    for (int i = 0; i < classes; ++i)
      s += std::exp(x[r * classes + i] - m);
    for (int i = 0; i < classes; ++i) {
      double want = std::exp(x[r * classes + i] - m) / s;
      // exp in fp32 is accurate to a few ulp on GPUs (Vulkan allows 3 + 2|x| ulp); the sum of
      // 1000 terms adds up to 1000 * 2^-24 relative: 1e-4 relative covers both with margin.
      ASSERT_NEAR(y[r * classes + i], want, 1e-4 * want + 1e-12) << r << "," << i;
      sum += y[r * classes + i];
    }
    EXPECT_NEAR(sum, 1.0, 1e-4);
  }
}

TEST(PreprocessTest, BytesToNormalisedNchw) {
  vk::Device& device = sharedDevice();
  const int n = 2, h = 5, w = 7;  // odd sizes: byte packing crosses uint boundaries
  std::vector<uint8_t> pixels(size_t(n) * h * w * 3);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t((i * 37 + 11) % 256);
  ops::Normalization norm{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
  vk::Buffer pb = uploadBytes(device, pixels);
  vk::Buffer yb = upload(device, std::vector<float>(deviceCount(n, 3, h * w), kSentinel));
  runDispatches(device, {ops::preprocessDispatch(device.kernels(), whole(pb), norm,
                                                 tensorRef(yb, n, 3, h, w))});
  auto y = fromDevice(download(device, yb, deviceCount(n, 3, h * w)), n, 3, h * w);
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < h * w; ++i) {
        double want =
            (pixels[(size_t(b) * h * w + i) * 3 + c] / 255.0 - norm.mean[c]) / norm.std[c];
        // Three fp32 operations on values below 5 in magnitude: a few ulp of 5.
        ASSERT_NEAR(y[(size_t(b) * 3 + c) * h * w + i], want, 1e-6)
            << "n=" << b << " c=" << c << " i=" << i;
      }
}

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
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < h * w; i += 997) {
        const double want = (pixels[(size_t(b) * h * w + i) * 3 + c] / 255.0 - 0.5) / 0.5;
        ASSERT_NEAR(y[(size_t(b) * 3 + c) * h * w + i], want, 1e-6) << b << " " << c << " " << i;
      }
  // The last image's last pixel: written by the last slice's last lanes.
  ASSERT_NEAR(y.back(), (pixels.back() / 255.0 - 0.5) / 0.5, 1e-6);

  // A copy of 16 x 3 x 299 x 299 elements through copy_channels: exact, nothing left unwritten.
  vk::Buffer cb = upload(device, std::vector<float>(deviceCount(n, 3, h * w), kSentinel));
  runDispatches(device, {ops::copyChannelsDispatch(device.kernels(), tensorRef(yb, n, 3, h, w),
                                                   tensorRef(cb, n, 3, h, w))});
  EXPECT_EQ(fromDevice(download(device, cb, deviceCount(n, 3, h * w)), n, 3, h * w), y);
}

}  // namespace
}  // namespace vkc::test
