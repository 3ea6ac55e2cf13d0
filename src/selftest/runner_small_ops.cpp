// The self-test's cases of the small ops around the network: global average pool, the concat
// fallback copy, softmax, image preprocessing and normalisation, the ensemble's averaging. Their
// bounds are the op tests' (tests/ops/test_pool_and_small_ops.cpp, tests/api/test_ensemble.cpp).
#include <algorithm>
#include <cmath>

#include "ops/elementwise.hpp"
#include "ops/pool2d.hpp"
#include "selftest/runner_internal.hpp"
#include "vkception/error.hpp"

namespace vkc::selftest {

using namespace detail;

namespace {
constexpr double kFp32Roundoff = 1.0 / 16777216.0;  // 2^-24
}  // namespace

void CaseRunner::addSmallOps() {
  addGlobalPool();
  addCopy();
  addSoftmax();
  addPreprocess();
  addNormalize();
  addMeanProbabilities();
}

// Runs `make` for the dispatch; a layer with no correct kernel left records why.
#define VKC_SELFTEST_DISPATCH(pending, make)             \
  try {                                                  \
    pending.dispatches = {make};                         \
  } catch (const Error& e) {                             \
    if (e.code() != ErrorCode::UnsupportedDevice) throw; \
    pending.result.ok = pending.result.planned = false;  \
    pending.result.failure = e.what();                   \
    return;                                              \
  }

void CaseRunner::addGlobalPool() {
  const ops::Precision precision = setup_.precision;
  const int n = 2, c = 6, h = 5, w = 5;
  Pending& p = add("small global_avgpool_5x5");
  auto x = roundedTo(precision, randomVector(size_t(n) * c * h * w, 6));
  auto want = std::make_shared<std::vector<double>>(size_t(n) * c, 0.0);
  for (size_t i = 0; i < want->size(); ++i) {
    for (int j = 0; j < h * w; ++j)
      (*want)[i] += x[i * h * w + j];
    (*want)[i] /= h * w;
  }
  p.buffers.push_back(uploadTensor(device_, toDevice(x, n, c, h * w), precision));
  const ops::TensorRef in = tensorRef(p.buffers.back(), n, c, h, w, 0, precision);
  p.buffers.push_back(
      uploadTensor(device_, std::vector<float>(deviceCount(n, c, 1), kSentinel), precision));
  vk::Buffer* yb = &p.buffers.back();
  VKC_SELFTEST_DISPATCH(
      p, ops::globalAvgPoolDispatch(kernels_, in, tensorRef(*yb, n, c, 1, 1, 0, precision)));
  vk::Device* device = &device_;
  p.check = [=](CaseResult& r) {
    auto y = fromDevice(downloadTensor(*device, *yb, deviceCount(n, c, 1), precision), n, c, 1);
    // 25 additions and a division of values in [-1, 1): 64 ulps of 1 covers them.
    compareSlice(r, y, *want, n, c, 1, c, 0,
                 [&](size_t i) { return 64 * kFp32Roundoff + storedShare(precision, (*want)[i]); });
  };
}

void CaseRunner::addCopy() {
  const ops::Precision precision = setup_.precision;
  const int n = 2, c = 5, h = 3, w = 3, total = 9, offset = 3;
  Pending& p = add("small copy_channels_into_slice");
  auto x = roundedTo(precision, randomVector(size_t(n) * c * h * w, 8));
  auto want = std::make_shared<std::vector<double>>(x.begin(), x.end());
  p.buffers.push_back(uploadTensor(device_, toDevice(x, n, c, h * w), precision));
  const ops::TensorRef in = tensorRef(p.buffers.back(), n, c, h, w, 0, precision);
  p.buffers.push_back(uploadTensor(
      device_, std::vector<float>(deviceCount(n, total, h * w), kSentinel), precision));
  vk::Buffer* yb = &p.buffers.back();
  VKC_SELFTEST_DISPATCH(
      p, ops::copyChannelsDispatch(kernels_, in, tensorRef(*yb, n, c, h, w, offset, precision)));
  vk::Device* device = &device_;
  p.check = [=](CaseResult& r) {
    auto y = fromDevice(downloadTensor(*device, *yb, deviceCount(n, total, h * w), precision), n,
                        total, h * w);
    compareSlice(r, y, *want, n, c, h * w, total, offset, [](size_t) { return 0.0; });  // exact
  };
}

void CaseRunner::addSoftmax() {
  const ops::Precision precision = setup_.precision;
  const int rows = 3, classes = 100;
  Pending& p = add("small softmax");
  auto x = roundedTo(precision, randomVector(size_t(rows) * classes, 7, -30.0f, 30.0f));
  auto want = std::make_shared<std::vector<double>>(x.size());
  for (int r = 0; r < rows; ++r) {
    double m = -1e300, s = 0;
    for (int i = 0; i < classes; ++i)
      m = std::max(m, double(x[r * classes + i]));
    for (int i = 0; i < classes; ++i)
      s += std::exp(x[r * classes + i] - m);
    for (int i = 0; i < classes; ++i)
      (*want)[r * classes + i] = std::exp(x[r * classes + i] - m) / s;
  }
  p.buffers.push_back(uploadTensor(device_, toDevice(x, rows, classes, 1), precision));
  const ops::TensorRef in = tensorRef(p.buffers.back(), rows, classes, 1, 1, 0, precision);
  p.buffers.push_back(uploadTensor(
      device_, std::vector<float>(deviceCount(rows, classes, 1), kSentinel), precision));
  vk::Buffer* yb = &p.buffers.back();
  VKC_SELFTEST_DISPATCH(
      p, ops::softmaxDispatch(kernels_, in, tensorRef(*yb, rows, classes, 1, 1, 0, precision)));
  vk::Device* device = &device_;
  p.check = [=](CaseResult& r) {
    auto y = fromDevice(downloadTensor(*device, *yb, deviceCount(rows, classes, 1), precision),
                        rows, classes, 1);
    // exp in fp32 within a few ulp (Vulkan allows 3 + 2|x|), the sum of the terms within
    // classes * 2^-24 relative: 1e-4 relative covers both; fp16 stores probabilities below 2^-14
    // as subnormals 2^-24 apart: half that absolutely.
    const double subnormal = precision == ops::Precision::Fp16 ? std::ldexp(1.0, -25) : 0.0;
    compareSlice(r, y, *want, rows, classes, 1, classes, 0, [&](size_t i) {
      const double v = (*want)[i];
      return 1e-4 * v + 1e-12 + storedShare(precision, v) + subnormal;
    });
  };
}

void CaseRunner::addPreprocess() {
  const ops::Precision precision = setup_.precision;
  const int n = 2, h = 5, w = 7;  // odd sizes: the byte packing crosses uint boundaries
  Pending& p = add("small preprocess");
  std::vector<uint8_t> pixels(size_t(n) * h * w * 3);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t((i * 37 + 11) % 256);
  const ops::Normalization norm{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
  auto want = std::make_shared<std::vector<double>>(size_t(n) * 3 * h * w);
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < h * w; ++i)
        (*want)[(size_t(b) * 3 + c) * h * w + i] =
            (pixels[(size_t(b) * h * w + i) * 3 + c] / 255.0 - norm.mean[c]) / norm.std[c];
  p.buffers.push_back(uploadBytes(device_, pixels));
  const vk::BufferSlice in{p.buffers.back().handle(), 0, p.buffers.back().size()};
  p.buffers.push_back(
      uploadTensor(device_, std::vector<float>(deviceCount(n, 3, h * w), kSentinel), precision));
  vk::Buffer* yb = &p.buffers.back();
  VKC_SELFTEST_DISPATCH(
      p, ops::preprocessDispatch(kernels_, in, norm, tensorRef(*yb, n, 3, h, w, 0, precision)));
  vk::Device* device = &device_;
  p.check = [=](CaseResult& r) {
    auto y =
        fromDevice(downloadTensor(*device, *yb, deviceCount(n, 3, h * w), precision), n, 3, h * w);
    // Three fp32 operations on values below 5 in magnitude: a few ulp of 5.
    compareSlice(r, y, *want, n, 3, h * w, 3, 0,
                 [&](size_t i) { return 1e-6 + storedShare(precision, (*want)[i]); });
  };
}

void CaseRunner::addNormalize() {
  const ops::Precision precision = setup_.precision;
  const int n = 2, h = 4, w = 3;
  Pending& p = add("small normalize");
  const ops::Normalization norm{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
  auto x = roundedTo(precision, randomVector(size_t(n) * 3 * h * w, 9));
  auto want = std::make_shared<std::vector<double>>(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const int c = int(i / (h * w) % 3);
    (*want)[i] = (x[i] - double(norm.mean[c])) / norm.std[c];
  }
  p.buffers.push_back(uploadTensor(device_, toDevice(x, n, 3, h * w), precision));
  const ops::TensorRef in = tensorRef(p.buffers.back(), n, 3, h, w, 0, precision);
  p.buffers.push_back(
      uploadTensor(device_, std::vector<float>(deviceCount(n, 3, h * w), kSentinel), precision));
  vk::Buffer* yb = &p.buffers.back();
  VKC_SELFTEST_DISPATCH(
      p, ops::normalizeDispatch(kernels_, in, norm, tensorRef(*yb, n, 3, h, w, 0, precision)));
  vk::Device* device = &device_;
  p.check = [=](CaseResult& r) {
    auto y =
        fromDevice(downloadTensor(*device, *yb, deviceCount(n, 3, h * w), precision), n, 3, h * w);
    // A subtraction, the reciprocal of std and a product, each within half an ulp of values
    // below 7: 8 ulps of 8.
    compareSlice(r, y, *want, n, 3, h * w, 3, 0,
                 [&](size_t i) { return 64 * kFp32Roundoff + storedShare(precision, (*want)[i]); });
  };
}

void CaseRunner::addMeanProbabilities() {
  const ops::Precision precision = setup_.precision;
  const int images = 2, crops = 3, classes = 7;
  const std::vector<float> weights = {0.25f, 0.75f};
  const int members = int(weights.size());
  Pending& p = add("small mean_probabilities");
  auto x = roundedTo(precision,
                     randomVector(size_t(images) * crops * members * classes, 10, 0.0f, 1.0f));
  // x in NCHW: [images * crops, members * classes]; the reference in [images, classes].
  auto want = std::make_shared<std::vector<double>>(size_t(images) * classes, 0.0);
  for (int g = 0; g < images; ++g)
    for (int c = 0; c < classes; ++c) {
      double total = 0;
      for (int m = 0; m < members; ++m) {
        double sum = 0;
        for (int k = 0; k < crops; ++k)
          sum += x[(size_t(g) * crops + k) * members * classes + m * classes + c];
        total += weights[m] * (sum / crops);
      }
      (*want)[size_t(g) * classes + c] = total;
    }
  const int rows = images * crops, inC = members * classes;
  p.buffers.push_back(uploadTensor(device_, toDevice(x, rows, inC, 1), precision));
  const ops::TensorRef in = tensorRef(p.buffers.back(), rows, inC, 1, 1, 0, precision);
  p.buffers.push_back(uploadTensor(
      device_, std::vector<float>(deviceCount(images, classes, 1), kSentinel), precision));
  vk::Buffer* yb = &p.buffers.back();
  VKC_SELFTEST_DISPATCH(
      p, ops::meanProbabilitiesDispatch(kernels_, in, weights, crops,
                                        tensorRef(*yb, images, classes, 1, 1, 0, precision)));
  vk::Device* device = &device_;
  p.check = [=](CaseResult& r) {
    auto y = fromDevice(downloadTensor(*device, *yb, deviceCount(images, classes, 1), precision),
                        images, classes, 1);
    // Per member crops additions, a division, a product and the sum over members, each within
    // half an ulp of a value below 1: (crops + 3) * members ulps of 1.
    compareSlice(r, y, *want, images, classes, 1, classes, 0, [&](size_t i) {
      return 2.0 * (crops + 3) * members * kFp32Roundoff + storedShare(precision, (*want)[i]);
    });
  };
}

}  // namespace vkc::selftest
