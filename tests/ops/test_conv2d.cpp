// Convolution shader vs. the double-precision CPU reference, over every kernel shape the
// Inception networks use, odd sizes, strides, paddings, channel slices and the residual epilogue.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string>
#include <tuple>
#include <utility>

#include "io/half.hpp"
#include "ops/conv2d.hpp"
#include "ops/winograd.hpp"
#include "ops/winograd_matrices.hpp"
#include "support/compare.hpp"
#include "support/cpu_reference.hpp"
#include "support/gpu_runner.hpp"
#include "support/op_variants.hpp"
#include "support/vulkan_env.hpp"
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

struct ConvCase {
  std::string name;
  int batch, inC, inH, inW, outC, kh, kw, stride;
  enum Pad { Valid, Same, Explicit } pad;
  int explicitPad[4];  // top, bottom, left, right
  bool relu;
  bool residual;
  float scale;
  int outCTotal, outCOffset;  // write into a slice of a larger tensor when outCTotal > outC
};

void PrintTo(const ConvCase& c, std::ostream* os) {
  *os << c.name;
}

constexpr float kSentinel = -12288.0f;  // exact in fp16 as in fp32

ops::ConvGeometry geometryOf(const ConvCase& tc) {
  switch (tc.pad) {
    case ConvCase::Valid:
      return ops::validGeometry(tc.kh, tc.kw, tc.stride);
    case ConvCase::Same:
      return ops::sameGeometry(tc.kh, tc.kw, tc.stride, tc.inH, tc.inW);
    case ConvCase::Explicit:
      break;
  }
  const int* pad = tc.explicitPad;
  return {tc.kh, tc.kw, tc.stride, tc.stride, pad[0], pad[1], pad[2], pad[3]};
}

// One axis of a Winograd plan as the test reads it (tools/gen-winograd.py); the axis of a
// one-tap kernel is the identity F(1, 1).
struct AxisMatrices {
  int tile, taps, alpha;
  const double *g, *bt, *at;  // alpha x taps, alpha x alpha, tile x alpha
};
AxisMatrices axisOf(int tile, int taps) {
  namespace wm = ops::winograd_matrices;
  static const double kOne[] = {1.0};
  if (tile == 1 && taps == 1) return {1, 1, 1, kOne, kOne, kOne};
  if (tile == 4 && taps == 3) return {4, 3, 6, wm::G_F4_3, wm::BT_F4_3, wm::AT_F4_3};
  if (tile == 6 && taps == 3) return {6, 3, 8, wm::G_F6_3, wm::BT_F6_3, wm::AT_F6_3};
  if (tile == 4 && taps == 7) return {4, 7, 10, wm::G_F4_7, wm::BT_F4_7, wm::AT_F4_7};
  if (tile == 6 && taps == 7) return {6, 7, 12, wm::G_F6_7, wm::BT_F6_7, wm::AT_F6_7};
  ADD_FAILURE() << "no matrices for F(" << tile << "," << taps << ")";
  return {0, 0, 0, nullptr, nullptr, nullptr};
}

// The error scale of a Winograd result, to replace the direct sum's in the reference: each
// stage rounds sums whose magnitudes pass through |BTh| |BTw|, |U| (U = Gh w Gw^T, in double
// here) and |ATh| |ATw|: sum_p |ATh[i][ph] ATw[j][pw]| sum_c |U[p][o][c]| sum_(a,b) |BTh[ph][a]
// BTw[pw][b]| |x at (a, b)|, plus the bias. The rounding steps: alpha per transformed axis in
// the input transform, K = inC in the products, alpha per axis again in the output, 4 in the
// epilogue.
void useWinogradErrorScale(const RefConv& rc, const ops::WinogradPlan& plan,
                           const std::vector<float>& x, const std::vector<float>& w,
                           const std::vector<float>& bias, const std::vector<float>& residual,
                           float scale, RefResult& ref) {
  const AxisMatrices h = axisOf(plan.tileH, plan.tapsH), v = axisOf(plan.tileW, plan.tapsW);
  if (!h.g || !v.g) return;
  const int points = h.alpha * v.alpha;
  const int oh = rc.outH(), ow = rc.outW();
  const int steps = rc.inC + 2 * ((h.taps > 1 ? h.alpha : 0) + (v.taps > 1 ? v.alpha : 0)) + 4;
  // |U|[p][o][c]
  std::vector<double> u(size_t(points) * rc.outC * rc.inC);
  for (int p = 0; p < points; ++p)
    for (int o = 0; o < rc.outC; ++o)
      for (int c = 0; c < rc.inC; ++c) {
        double sum = 0;
        for (int ky = 0; ky < rc.kh; ++ky)
          for (int kx = 0; kx < rc.kw; ++kx)
            sum += h.g[(p / v.alpha) * rc.kh + ky] * v.g[(p % v.alpha) * rc.kw + kx] *
                   w[((size_t(o) * rc.inC + c) * rc.kh + ky) * rc.kw + kx];
        u[(size_t(p) * rc.outC + o) * rc.inC + c] = std::fabs(sum);
      }
  auto input = [&](int n, int c, int y, int xx) {
    if (y < 0 || y >= rc.inH || xx < 0 || xx >= rc.inW) return 0.0;
    return std::fabs(double(x[((size_t(n) * rc.inC + c) * rc.inH + y) * rc.inW + xx]));
  };
  std::vector<double> transformed(size_t(points) * rc.inC);  // |BT| |d| of one tile
  std::vector<double> products(points);                      // |U| |BT| |d|
  for (int n = 0; n < rc.batch; ++n)
    for (int top = 0; top < oh; top += h.tile)
      for (int left = 0; left < ow; left += v.tile) {
        for (int c = 0; c < rc.inC; ++c)
          for (int p = 0; p < points; ++p) {
            double sum = 0;
            for (int a = 0; a < h.alpha; ++a)
              for (int b = 0; b < v.alpha; ++b)
                sum += std::fabs(h.bt[(p / v.alpha) * h.alpha + a] *
                                 v.bt[(p % v.alpha) * v.alpha + b]) *
                       input(n, c, top + a - rc.padTop, left + b - rc.padLeft);
            transformed[size_t(p) * rc.inC + c] = sum;
          }
        for (int o = 0; o < rc.outC; ++o) {
          for (int p = 0; p < points; ++p) {
            products[p] = 0;
            for (int c = 0; c < rc.inC; ++c)
              products[p] +=
                  u[(size_t(p) * rc.outC + o) * rc.inC + c] * transformed[size_t(p) * rc.inC + c];
          }
          for (int i = 0; i < h.tile && top + i < oh; ++i)
            for (int j = 0; j < v.tile && left + j < ow; ++j) {
              double mag = std::fabs(bias[o]);
              for (int p = 0; p < points; ++p)
                mag +=
                    std::fabs(h.at[i * h.alpha + p / v.alpha] * v.at[j * v.alpha + p % v.alpha]) *
                    products[p];
              const size_t index = ((size_t(n) * rc.outC + o) * oh + top + i) * ow + left + j;
              ref.magnitude[index] =
                  residual.empty() ? mag : std::fabs(residual[index]) + std::fabs(scale) * mag;
              ref.terms[index] = steps;
            }
        }
      }
}

enum class Algorithm { Direct, Winograd };

// The fp16 variants' share of the bound, on top of the fp32 accumulation's: inputs, weights and
// residual are rounded to fp16 before the reference sees them, but each product is rounded to
// fp16 and the output is stored in fp16, each by at most one fp16 ulp, 2 * 2^-11 relative
// (Vulkan leaves the rounding of fp16 arithmetic and conversions to the device): 4 * 2^-11 of
// the magnitude of the terms.
double fp16Share(const OpVariant& variant, double magnitude) {
  return variant.precision == ops::Precision::Fp16
             ? 4 * unitRoundoff(ops::Precision::Fp16) * magnitude
             : 0.0;
}

// The statistical scale of a direct convolution's rounding error over a tensor: the root mean
// square over its outputs of sigma, where per output y = sum of the terms p_i (bias, then K
// products; ref.squares = sum p_i^2), with u the storage format's unit roundoff and u32 fp32's,
//   sigma^2 = u^2 (sum p_i^2 + y^2) + u32^2 (K sum p_i^2 + 4 y^2):
// the products rounded to the storage format (fp16 variants round them to fp16; fp32 ones fuse
// them into the sum, or round them to fp32), the output stored in it, the K fp32 partial sums
// (with terms of random sign, each of mean square at most sum p_i^2) and the epilogue's 4 fp32
// roundings (as in fp32Bound). Each rounding errs by at most u of its result, and with random
// inputs the errors are independent and of zero mean, so they add in quadrature: sigma grows as
// sqrt(K) u |p| where the worst case of the per-element bound grows as K u |p|.
double statisticalErrorScale(const RefResult& ref, ops::Precision precision, int K) {
  const double u = unitRoundoff(precision), u32 = unitRoundoff(ops::Precision::Fp32);
  double sum = 0;
  for (size_t o = 0; o < ref.value.size(); ++o) {
    const double y2 = ref.value[o] * ref.value[o];
    sum += u * u * (ref.squares[o] + y2) + u32 * u32 * (K * ref.squares[o] + 4 * y2);
  }
  return ref.value.empty() ? 0.0 : std::sqrt(sum / double(ref.value.size()));
}

// The RMS check's bound, in units of statisticalErrorScale. Errors spread evenly over +-u|v|
// have an RMS of u|v| / sqrt(3), at most 0.58 of the scale; lavapipe's direct cases measure
// 0.07-0.31 of it in fp32 (whose partial sums stay below their share K sum p_i^2) and 0.31-0.45
// in fp16 (the "[ conv ]" lines; the variants of a case agree), the most in short sums over few
// outputs (k3x3_s2_explicit_pad). 1.5 is 3.3x over the largest. A product missing from every sum
// errs by its |p| where the relu passes the output: about sqrt(sum p_i^2 / K) against a bound of
// 1.5 u sqrt(sum p_i^2 + y^2), so it shows by a factor that falls as 1 / sqrt(K): 17x at K = 2080
// (1x1) and 13x at K = 3456 (3x3) in fp16, where the per-element bound (fp16Share) hides it.
constexpr double kRmsMargin = 1.5;

// A layer's packed weights, then its fp32 bias at the next binding alignment, in one buffer, as
// graph::WeightStore packs them: storage-read convolutions bind both as one range.
struct PackedWeights {
  vk::Buffer buffer;
  vk::BufferSlice weights, bias;
};
PackedWeights uploadWeights(vk::Device& device, const std::vector<float>& packed,
                            const std::vector<float>& bias, int outC, ops::Precision precision) {
  const std::vector<float> weights = roundedTo(precision, packed);
  std::vector<uint8_t> bytes;
  if (precision == ops::Precision::Fp16) {
    std::vector<uint16_t> halves(weights.size());
    io::floatsToHalves(weights.data(), weights.size(), halves.data());
    const auto* b = reinterpret_cast<const uint8_t*>(halves.data());
    bytes.assign(b, b + halves.size() * sizeof(uint16_t));
  } else {
    const auto* b = reinterpret_cast<const uint8_t*>(weights.data());
    bytes.assign(b, b + weights.size() * sizeof(float));
  }
  const VkDeviceSize weightBytes = bytes.size();
  const VkDeviceSize alignment = device.info().bindingAlignment();
  const VkDeviceSize biasAt = (weightBytes + alignment - 1) / alignment * alignment;
  const std::vector<float> paddedBias = ops::padBias(bias, outC);
  bytes.resize(biasAt, 0);
  const auto* b = reinterpret_cast<const uint8_t*>(paddedBias.data());
  bytes.insert(bytes.end(), b, b + paddedBias.size() * sizeof(float));
  PackedWeights w{uploadBytes(device, bytes), {}, {}};
  w.weights = {w.buffer.handle(), 0, weightBytes};
  w.bias = {w.buffer.handle(), biasAt, paddedBias.size() * sizeof(float)};
  return w;
}

// The plans the library takes for a variant's kernels (graph::winogradLimitsFor; the variants
// keep no live-float bound).
const ops::WinogradLimits kCompactWinogradLimits{0, true};
ops::WinogradLimits winogradLimitsOf(const OpVariant& variant) {
  return variant.tiling.compact ? kCompactWinogradLimits : ops::WinogradLimits{};
}

struct ConvOutcome {
  Comparison elements;  // per element, against the worst-case bound
  TensorError errors;   // over the op's channel slice
  double rmsScale = 0;  // statisticalErrorScale (direct convolutions; 0 for Winograd)
};

ConvOutcome runConvCase(const ConvCase& tc, const OpVariant& variant,
                        Algorithm algorithm = Algorithm::Direct) {
  vk::Device& device = deviceFor(variant);
  const ops::Precision precision = variant.precision;
  const ops::ConvGeometry g = geometryOf(tc);
  // The reference derives its padding on its own (not from the geometry under test):
  // TensorFlow's SAME rule, which for stride 1 and odd kernels is PyTorch's (k-1)/2 per side.
  int pad[4] = {0, 0, 0, 0};
  if (tc.pad == ConvCase::Explicit) {
    std::copy(tc.explicitPad, tc.explicitPad + 4, pad);
  } else if (tc.pad == ConvCase::Same) {
    auto total = [&](int in, int k) {
      return std::max(((in + tc.stride - 1) / tc.stride - 1) * tc.stride + k - in, 0);
    };
    int th = total(tc.inH, tc.kh), tw = total(tc.inW, tc.kw);
    pad[0] = th / 2;
    pad[1] = th - th / 2;
    pad[2] = tw / 2;
    pad[3] = tw - tw / 2;
  }
  RefConv rc{tc.batch,  tc.inC,    tc.inH, tc.inW, tc.outC, tc.kh, tc.kw,
             tc.stride, tc.stride, pad[0], pad[1], pad[2],  pad[3]};
  const int oh = rc.outH(), ow = rc.outW();
  const int outCTotal = std::max(tc.outCTotal, tc.outC);

  // The values as the variant's tensors hold them (the bias stays fp32 in every variant).
  auto x = roundedTo(precision, randomVector(size_t(tc.batch) * tc.inC * tc.inH * tc.inW, 1));
  auto w = roundedTo(precision, randomVector(size_t(tc.outC) * tc.inC * tc.kh * tc.kw, 2,
                                             -1.0f / std::sqrt(float(tc.inC * tc.kh * tc.kw)),
                                             1.0f / std::sqrt(float(tc.inC * tc.kh * tc.kw))));
  auto bias = randomVector(tc.outC, 3, -0.1f, 0.1f);
  std::vector<float> residual;
  if (tc.residual) {
    residual = roundedTo(precision, randomVector(size_t(tc.batch) * tc.outC * oh * ow, 4));
  }
  RefResult ref = referenceConv(rc, x, w, bias, residual, tc.scale, tc.relu);
  const ops::WinogradPlan plan = ops::winogradPlanFor(g, oh, ow, winogradLimitsOf(variant));
  if (algorithm == Algorithm::Winograd) {
    useWinogradErrorScale(rc, plan, x, w, bias, residual, tc.scale, ref);
  }

  // The residual lives in the same channel slice of its own larger tensor as the output.
  auto placeInSlice = [&](const std::vector<float>& plain, float fill) {
    std::vector<float> big(size_t(tc.batch) * outCTotal * oh * ow, fill);
    for (int n = 0; n < tc.batch; ++n)
      for (int c = 0; c < tc.outC; ++c)
        for (int i = 0; i < oh * ow; ++i)
          big[(size_t(n) * outCTotal + tc.outCOffset + c) * oh * ow + i] =
              plain[(size_t(n) * tc.outC + c) * oh * ow + i];
    return big;
  };

  const int inHW = tc.inH * tc.inW, ohw = oh * ow;
  vk::Buffer xb = uploadTensor(device, toDevice(x, tc.batch, tc.inC, inHW), precision);
  const PackedWeights wb = uploadWeights(
      device,
      algorithm == Algorithm::Winograd ? ops::packWinogradWeights(w, tc.outC, tc.inC, plan)
                                       : ops::packConvWeights(w, tc.outC, tc.inC, tc.kh, tc.kw),
      bias, tc.outC, precision);
  vk::Buffer yb = uploadTensor(
      device, std::vector<float>(deviceCount(tc.batch, outCTotal, ohw), kSentinel), precision);
  vk::Buffer rb =
      uploadTensor(device,
                   tc.residual ? toDevice(placeInSlice(residual, 0.0f), tc.batch, outCTotal, ohw)
                               : std::vector<float>{0, 0},
                   precision);
  ops::TensorRef in = tensorRef(xb, tc.batch, tc.inC, tc.inH, tc.inW, 0, precision);
  ops::TensorRef out = tensorRef(yb, tc.batch, tc.outC, oh, ow, tc.outCOffset, precision);
  ops::TensorRef res = tensorRef(rb, tc.batch, tc.outC, oh, ow, tc.outCOffset, precision);
  ops::ConvEpilogue epilogue{tc.relu ? ops::Activation::Relu : ops::Activation::None, tc.scale,
                             tc.residual ? &res : nullptr};
  if (algorithm == Algorithm::Winograd) {
    // The intermediate tensors start as NaN: nothing may read what the stages did not write.
    const int tilesH = plan.tilesH(oh), tilesW = plan.tilesW(ow);
    const int transformedC = plan.points() * tc.inC, productsC = plan.points() * tc.outC;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    vk::Buffer vb = uploadTensor(
        device, std::vector<float>(deviceCount(tc.batch, transformedC, tilesH * tilesW), nan),
        precision);
    vk::Buffer mb = uploadTensor(
        device, std::vector<float>(deviceCount(tc.batch, productsC, tilesH * tilesW), nan),
        precision);
    ops::TensorRef transformed =
        tensorRef(vb, tc.batch, transformedC, tilesH, tilesW, 0, precision);
    ops::TensorRef products = tensorRef(mb, tc.batch, productsC, tilesH, tilesW, 0, precision);
    vk::KernelCache& kernels = device.kernels();
    runDispatches(
        device,
        {ops::winogradInputDispatch(kernels, device.info(), in, g, plan, transformed),
         ops::conv1x1Dispatch(kernels, device.info(), transformed, wb.weights, vk::BufferSlice{},
                              products, ops::ConvEpilogue{ops::Activation::None, 1.0f, nullptr},
                              variant.tiling, plan.points()),
         ops::winogradOutputDispatch(kernels, device.info(), products, plan, wb.bias, out,
                                     epilogue)});
  } else {
    // Where the plan splits K (igemm_fp32_splitk), its partial sums go to a workspace of NaNs.
    const ops::ConvPlan convPlan = ops::convPlanFor(device.kernels(), device.info(), in, g, out,
                                                    variant.tiling, epilogue.residual);
    const bool linear = convPlan.route == ops::ConvRoute::Linear;  // in every family
    EXPECT_EQ(convPlan.route == ops::ConvRoute::Igemm, variant.convKernel.has_value() && !linear);
    if (variant.splitK > 0 && !linear && convPlan.splitK == 1) {
      EXPECT_LE(tc.inC * tc.kh * tc.kw, convPlan.tile.bk) << "K of more than one step not split";
    }
    vk::Buffer workspace = uploadTensor(
        device,
        std::vector<float>(std::max<uint64_t>(convPlan.workspaceBytes / sizeof(float), 1),
                           std::numeric_limits<float>::quiet_NaN()),
        ops::Precision::Fp32);
    runDispatches(device, ops::conv2dDispatches(device.kernels(), device.info(), in, g, wb.weights,
                                                wb.bias, out, epilogue, variant.tiling,
                                                {workspace.handle(), 0, convPlan.workspaceBytes}));
  }
  auto y = fromDevice(downloadTensor(device, yb, deviceCount(tc.batch, outCTotal, ohw), precision),
                      tc.batch, outCTotal, ohw);
  ConvOutcome outcome;
  outcome.elements = compareSlice(tc.name + " " + variant.id, y, ref.value, tc.batch, tc.outC, ohw,
                                  outCTotal, tc.outCOffset, kSentinel, [&](size_t o) {
                                    return fp32Bound(ref.magnitude[o], ref.terms[o]) +
                                           fp16Share(variant, ref.magnitude[o]);
                                  });
  outcome.errors =
      compareTensors(ref.value, sliceOf(y, tc.batch, tc.outC, ohw, outCTotal, tc.outCOffset));
  if (algorithm == Algorithm::Direct) {
    outcome.rmsScale = statisticalErrorScale(ref, precision, tc.inC * tc.kh * tc.kw);
  }
  return outcome;
}

using ConvVariantCase = std::tuple<ConvCase, OpVariant>;
std::string nameOf(const testing::TestParamInfo<ConvVariantCase>& info) {
  return variantTestName(std::get<0>(info.param).name, std::get<1>(info.param));
}

class Conv2dTest : public testing::TestWithParam<ConvVariantCase> {};

TEST_P(Conv2dTest, MatchesCpuReference) {
  // Tolerance per element: 2 * (K + 4) * 2^-24 * sum|x_i w_i| (fp32 accumulation of K products
  // plus the bias/scale/residual roundings; see tests/support/cpu_reference.hpp), and for fp16
  // variants fp16Share. Every variant (support/op_variants.hpp) runs every case: texel and
  // storage reads, fp32 and fp16, large (CPU drivers) and small (GPUs) register blocks, compact
  // kernels (StartMode::AtOnce), the Vulkan 1.1 minimum limits.
  // And over all outputs: RMS error below kRmsMargin times the statistical scale of the
  // roundings (statisticalErrorScale), which the worst case per element far exceeds in long fp16
  // sums: one product missing from each of them shows here, not there.
  const ConvCase& tc = std::get<0>(GetParam());
  const OpVariant& variant = std::get<1>(GetParam());
  const std::string why = unavailable(variant);
  if (!why.empty()) GTEST_SKIP() << why;
  const ConvOutcome o = runConvCase(tc, variant);
  const double rmsBound = kRmsMargin * o.rmsScale;
  EXPECT_LE(o.errors.rmsError, rmsBound) << describe(o.errors) << " (K " << tc.inC * tc.kh * tc.kw
                                         << ", statistical scale " << o.rmsScale << ")";
  RecordProperty("max_abs_error", std::to_string(o.elements.maxError));
  std::printf("[ conv ] %-34s %-20s max |err| %.3g (%.3f of bound), rms %.3g (%.3f of scale)\n",
              tc.name.c_str(), variant.id.c_str(), o.elements.maxError, o.elements.maxRatio,
              o.errors.rmsError, o.errors.rmsError / o.rmsScale);
}

const ConvCase kCases[] = {
    // name, N, Cin, H, W, Cout, kh, kw, stride, pad, explicit, relu, residual, scale, total, off
    {"k1x1_s1_odd", 1, 7, 17, 17, 13, 1, 1, 1, ConvCase::Valid, {}, true, false, 1, 0, 0},
    {"k3x3_same_batch3", 3, 5, 7, 7, 9, 3, 3, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k3x3_valid_s1_35", 1, 6, 35, 35, 11, 3, 3, 1, ConvCase::Valid, {}, true, false, 1, 0, 0},
    {"k3x3_s2_valid_149", 1, 3, 149, 149, 32, 3, 3, 2, ConvCase::Valid, {}, true, false, 1, 0, 0},
    {"k3x3_s2_valid_147", 2, 3, 147, 147, 10, 3, 3, 2, ConvCase::Valid, {}, true, false, 1, 0, 0},
    {"k3x3_s2_valid_even_16", 1, 4, 16, 16, 8, 3, 3, 2, ConvCase::Valid, {}, true, false, 1, 0, 0},
    {"k3x3_s2_valid_73", 1, 5, 73, 73, 9, 3, 3, 2, ConvCase::Valid, {}, false, false, 1, 0, 0},
    {"k3x3_s2_same_asym_even", 2, 3, 16, 16, 5, 3, 3, 2, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k5x5_same", 1, 6, 17, 17, 7, 5, 5, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k1x7_same", 1, 9, 17, 17, 10, 1, 7, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k7x1_same", 3, 9, 17, 17, 10, 7, 1, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k1x3_same", 1, 7, 8, 8, 6, 1, 3, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k3x1_same", 2, 7, 8, 8, 6, 3, 1, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k7x1_nonsquare", 1, 4, 19, 11, 5, 7, 1, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
    {"k3x3_explicit_pad",
     1,
     3,
     9,
     13,
     4,
     3,
     3,
     1,
     ConvCase::Explicit,
     {2, 0, 1, 3},
     true,
     false,
     1,
     0,
     0},
    {"k3x3_s2_explicit_pad",
     1,
     3,
     12,
     10,
     4,
     3,
     3,
     2,
     ConvCase::Explicit,
     {1, 1, 0, 2},
     false,
     false,
     1,
     0,
     0},
    {"slice_write_1x7", 2, 5, 17, 17, 6, 1, 7, 1, ConvCase::Same, {}, true, false, 1, 23, 9},
    {"slice_write_3x3_s2", 1, 4, 35, 35, 7, 3, 3, 2, ConvCase::Valid, {}, true, false, 1, 20, 13},
    {"residual_relu_scale017",
     2,
     9,
     35,
     35,
     19,
     1,
     1,
     1,
     ConvCase::Valid,
     {},
     true,
     true,
     0.17f,
     0,
     0},
    {"residual_noact_scale1",
     1,
     12,
     8,
     8,
     21,
     1,
     1,
     1,
     ConvCase::Valid,
     {},
     false,
     true,
     1.0f,
     0,
     0},
    {"residual_in_slice", 1, 6, 17, 17, 11, 1, 1, 1, ConvCase::Valid, {}, true, true, 0.1f, 30, 5},
    {"residual_3x3_rows_in_slice",
     2,
     5,
     9,
     9,
     6,
     3,
     3,
     1,
     ConvCase::Same,
     {},
     true,
     true,
     0.3f,
     14,
     4},
    {"k1x3_batch3_slice", 3, 6, 8, 13, 5, 1, 3, 1, ConvCase::Same, {}, true, false, 1, 9, 2},
    {"k1x1_s2_valid", 2, 5, 9, 9, 6, 1, 1, 2, ConvCase::Valid, {}, true, false, 1, 0, 0},
    {"k1x1_explicit_pad",
     1,
     3,
     5,
     6,
     4,
     1,
     1,
     1,
     ConvCase::Explicit,
     {1, 0, 2, 1},
     false,
     false,
     1,
     0,
     0},
    // Fully connected (1x1 over a 1x1 grid): short sums through conv1x1.comp, from 512 products
    // on through linear.comp, with partial blocks of the sum (600 = 9 x 64 + 24), a partial last
    // texel of outputs (1001) and the epilogue into a channel slice.
    {"fc_as_1x1", 3, 100, 1, 1, 37, 1, 1, 1, ConvCase::Valid, {}, false, false, 1, 0, 0},
    {"fc_classifier_1536_to_1001",
     2,
     1536,
     1,
     1,
     1001,
     1,
     1,
     1,
     ConvCase::Valid,
     {},
     false,
     false,
     1,
     0,
     0},
    {"fc_residual_relu_in_slice",
     3,
     600,
     1,
     1,
     10,
     1,
     1,
     1,
     ConvCase::Valid,
     {},
     true,
     true,
     0.2f,
     24,
     8},
    {"large_1x1_2080_to_1536",
     1,
     2080,
     8,
     8,
     1536,
     1,
     1,
     1,
     ConvCase::Valid,
     {},
     true,
     false,
     1,
     0,
     0},
    {"large_3x3_384_to_384_35",
     1,
     384,
     35,
     35,
     384,
     3,
     3,
     1,
     ConvCase::Same,
     {},
     true,
     false,
     1,
     0,
     0},
};

// Every case under every variant, but for the 384-channel 3x3 (whose fp64 reference alone takes
// seconds) under the implicit GEMM's split-K and minimum-limits variants: their kernels are
// igemm_fp32's, which runs it, with other tiles or K slices, which the other cases exercise
// (large_1x1_2080_to_1536 with long slices).
std::vector<ConvVariantCase> convVariantCases() {
  std::vector<ConvVariantCase> cases;
  for (const ConvCase& tc : kCases) {
    for (const OpVariant& v : opVariants()) {
      const bool igemmVariation = v.convKernel && (v.splitK > 0 || v.minimumLimits);
      if (!(igemmVariation && tc.name == "large_3x3_384_to_384_35")) cases.emplace_back(tc, v);
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Ops, Conv2dTest, testing::ValuesIn(convVariantCases()), nameOf);

ops::WinogradPlan winogradPlanOf(const ConvCase& tc, const ops::WinogradLimits& limits = {}) {
  const ops::ConvGeometry g = geometryOf(tc);
  return ops::winogradPlanFor(
      g, ops::convOutputSize(tc.inH, tc.kh, tc.stride, g.padTop, g.padBottom),
      ops::convOutputSize(tc.inW, tc.kw, tc.stride, g.padLeft, g.padRight), limits);
}

// The cases above that the library runs through Winograd, and layers of the networks' sizes.
std::vector<ConvCase> winogradCases() {
  std::vector<ConvCase> cases;
  for (const ConvCase& tc : kCases) {
    if (winogradPlanOf(tc).enabled()) cases.push_back(tc);
  }
  const ConvCase more[] = {
      {"v4_1x7_192_to_224_17",
       1,
       192,
       17,
       17,
       224,
       1,
       7,
       1,
       ConvCase::Same,
       {},
       true,
       false,
       1,
       0,
       0},
      {"v4_7x1_residual_slice",
       2,
       12,
       17,
       17,
       20,
       7,
       1,
       1,
       ConvCase::Same,
       {},
       true,
       true,
       0.2f,
       33,
       7},
      {"stem_3x3_valid_73_to_71",
       1,
       8,
       73,
       73,
       12,
       3,
       3,
       1,
       ConvCase::Valid,
       {},
       true,
       false,
       1,
       0,
       0},
      {"stem_3x3_same_147_batch2",
       2,
       4,
       147,
       147,
       6,
       3,
       3,
       1,
       ConvCase::Same,
       {},
       true,
       false,
       1,
       0,
       0},
      // Variants the networks at 299x299 do not reach; asymmetric padding.
      {"f4x4_3x3_same_batch3_28",
       3,
       5,
       28,
       28,
       9,
       3,
       3,
       1,
       ConvCase::Same,
       {},
       true,
       false,
       1,
       0,
       0},
      {"f6x6_3x3_explicit_pad",
       1,
       3,
       42,
       46,
       4,
       3,
       3,
       1,
       ConvCase::Explicit,
       {2, 0, 1, 3},
       true,
       false,
       1,
       0,
       0},
      {"f43_1x3_slice_20x16", 1, 7, 20, 16, 6, 1, 3, 1, ConvCase::Same, {}, true, false, 1, 11, 3},
      {"f43_3x1_batch2_16x20", 2, 6, 16, 20, 5, 3, 1, 1, ConvCase::Same, {}, false, false, 1, 0, 0},
      {"f63_1x3_8x36", 1, 5, 8, 36, 6, 1, 3, 1, ConvCase::Same, {}, true, false, 1, 0, 0},
      // F(4,7): lines of 8 (F(6,7) takes the networks' lines of 17), residual, batch 2.
      {"f47_1x7_residual_batch2_24x8",
       2,
       9,
       24,
       8,
       7,
       1,
       7,
       1,
       ConvCase::Same,
       {},
       true,
       true,
       0.3f,
       0,
       0},
      {"f47_7x1_slice_8x24", 1, 6, 8, 24, 5, 7, 1, 1, ConvCase::Same, {}, false, false, 1, 9, 2},
  };
  cases.insert(cases.end(), std::begin(more), std::end(more));
  return cases;
}

class WinogradConvTest : public testing::TestWithParam<ConvVariantCase> {};

// Tolerance per element: 2 * (K + 2 alpha per transformed axis + 4) * 2^-24 times the magnitude
// of the sums each of the three stages rounds (useWinogradErrorScale): the worst case, as for
// direct convolution. fp32 variants only: the library runs fp16 convolutions directly.
TEST_P(WinogradConvTest, MatchesCpuReference) {
  const ConvCase& tc = std::get<0>(GetParam());
  const OpVariant& variant = std::get<1>(GetParam());
  const ops::WinogradPlan plan = winogradPlanOf(tc, winogradLimitsOf(variant));
  ASSERT_TRUE(plan.enabled()) << "no Winograd plan for " << tc.name;
  const Comparison o = runConvCase(tc, variant, Algorithm::Winograd).elements;
  std::printf("[ winograd %s ] %-28s %-20s max |err| %.3g (%.3f of bound)\n", plan.name().c_str(),
              tc.name.c_str(), variant.id.c_str(), o.maxError, o.maxRatio);
}

INSTANTIATE_TEST_SUITE_P(Ops, WinogradConvTest,
                         testing::Combine(testing::ValuesIn(winogradCases()),
                                          testing::ValuesIn(opVariantsWhere([](const OpVariant& v) {
                                            return v.precision == ops::Precision::Fp32 &&
                                                   !v.tiling.compact && !v.convKernel;
                                          }))),
                         nameOf);
// The compact kernels' start takes the one-axis plans with small tiles (F(4,3), F(4,7)), the
// products through the compact 1x1 blocks; their 2-pixel variant differs in conv2d_compact only.
std::vector<ConvCase> oneAxisWinogradCases() {
  std::vector<ConvCase> cases;
  for (const ConvCase& tc : winogradCases()) {
    if (winogradPlanOf(tc, kCompactWinogradLimits).enabled()) cases.push_back(tc);
  }
  return cases;
}
INSTANTIATE_TEST_SUITE_P(OpsCompact, WinogradConvTest,
                         testing::Combine(testing::ValuesIn(oneAxisWinogradCases()),
                                          testing::ValuesIn(opVariantsWhere([](const OpVariant& v) {
                                            return v.id == "texel_fp32_compact";
                                          }))),
                         nameOf);

// The transforms split a pixel index into (image, tile row, tile column) by multiply-and-shift
// reciprocals of the tile counts (shaders/winograd_tiles.glsl): exact for every n < 2^31, which
// the op tests' few small grids cannot show. Divisors: every one to 4096 (tile counts and their
// products) and around powers of two up to 2^31 - 1; dividends: around multiples of d (where a
// reciprocal rounded the wrong way shows), powers of two and the largest.
TEST(WinogradTileDivision, MagicReciprocalsDivideExactly) {
  std::vector<uint32_t> divisors;
  for (uint32_t d = 1; d <= 4096; ++d)
    divisors.push_back(d);
  for (int b = 13; b <= 31; ++b) {
    for (int64_t d : {(int64_t{1} << b) - 1, int64_t{1} << b, (int64_t{1} << b) + 1}) {
      if (d < (int64_t{1} << 31)) divisors.push_back(uint32_t(d));
    }
  }
  const uint32_t largest = (1u << 31) - 1;
  int wrong = 0;
  for (uint32_t d : divisors) {
    const ops::DivisionMagic m = ops::divisionMagic(d);
    std::vector<uint32_t> dividends = {0, 1, largest, largest - 1};
    for (uint32_t k : {1u, 2u, 3u, 1000u, largest / d - 1, largest / d}) {
      const uint64_t base = uint64_t{k} * d;
      for (int64_t delta : {-1, 0, 1}) {
        const int64_t n = int64_t(base) + delta;
        if (n >= 0 && n <= largest) dividends.push_back(uint32_t(n));
      }
    }
    for (int b = 0; b < 31; ++b)
      dividends.push_back(1u << b);
    for (uint32_t n : dividends) {
      if (ops::divideByMagic(n, m) != n / d && ++wrong <= 5) {
        ADD_FAILURE() << n << " / " << d << " gave " << ops::divideByMagic(n, m);
      }
    }
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_THROW(ops::divisionMagic(0), vkc::Error);
  EXPECT_THROW(ops::divisionMagic(1u << 31), vkc::Error);
}

// The plan for a layer: the variant per axis with the fewest products among those whose products
// plane (tiles per image) reaches 16 pixels, none for strides, unsupported taps or too few tiles.
TEST(WinogradPlanChoice, FewestProductsOnAFullEnoughPlane) {
  auto planName = [](int kh, int kw, int stride, int out) {
    const ops::WinogradPlan plan =
        ops::winogradPlanFor(ops::validGeometry(kh, kw, stride), out, out);
    return plan.enabled() ? plan.name() : std::string("none");
  };
  EXPECT_EQ(planName(3, 3, 1, 35), "F(6x6,3x3)");  // 36 tiles x 64 < 54 x 48 (F(4x6)) < 81 x 36
  EXPECT_EQ(planName(3, 3, 1, 17), "F(4x4,3x3)");  // F(6x6)'s 9 tiles are too few
  EXPECT_EQ(planName(1, 7, 1, 17), "F(6,7)");      // 17 x 3 tiles x 12 < 17 x 5 x 10
  EXPECT_EQ(planName(7, 1, 1, 8), "F(4,7)");       // 2 x 8 tiles either way: 10 < 12 points
  EXPECT_EQ(planName(1, 3, 1, 8), "F(4,3)");
  EXPECT_EQ(planName(3, 3, 1, 8), "none");  // 2 x 2 tiles
  EXPECT_EQ(planName(3, 3, 2, 35), "none");
  EXPECT_EQ(planName(5, 5, 1, 35), "none");
  EXPECT_EQ(planName(1, 1, 1, 35), "none");
  // And whether it pays: at least 32 channels each side and 65536 products per point.
  auto pays = [](int inC, int outC, int out) {
    const ops::WinogradPlan plan = ops::winogradPlanFor(ops::validGeometry(3, 3, 1), out, out);
    return ops::winogradPays(plan, inC, outC, out, out);
  };
  EXPECT_TRUE(pays(32, 32, 147));  // 625 tiles of F(6x6,3x3)
  EXPECT_FALSE(pays(32, 32, 35));  // 36 tiles x 32 x 32
  EXPECT_FALSE(pays(32, 48, 35));
  EXPECT_TRUE(pays(48, 64, 35));
  EXPECT_FALSE(pays(16, 512, 147));
}

// The compact kernels' start (graph::winogradLimitsFor): one-axis plans only, tiles of 4.
TEST(WinogradPlanChoice, CompactStartTakesOneAxisSmallTiles) {
  auto planName = [](int kh, int kw, int outH, int outW) {
    const ops::WinogradPlan plan =
        ops::winogradPlanFor(ops::validGeometry(kh, kw, 1), outH, outW, kCompactWinogradLimits);
    return plan.enabled() ? plan.name() : std::string("none");
  };
  EXPECT_EQ(planName(1, 7, 17, 17), "F(4,7)");  // F(6,7) without the limits
  EXPECT_EQ(planName(7, 1, 17, 17), "F(4,7)");
  EXPECT_EQ(planName(1, 3, 8, 36), "F(4,3)");  // F(6,3)
  EXPECT_EQ(planName(3, 3, 35, 35), "none");   // F(6x6,3x3)
  EXPECT_EQ(planName(3, 3, 17, 17), "none");   // F(4x4,3x3)
  EXPECT_EQ(ops::winogradPlanFor(ops::validGeometry(1, 7, 1), 17, 17).name(), "F(6,7)");
}

TEST(Conv2dGeometry, SamePaddingFollowsTensorFlow) {
  // Stride 2 on an even size: total pad 1, all of it at the bottom/right.
  ops::ConvGeometry g = ops::sameGeometry(3, 3, 2, 16, 16);
  EXPECT_EQ(g.padTop, 0);
  EXPECT_EQ(g.padBottom, 1);
  // Stride 1: PyTorch's padding=((kh-1)/2, (kw-1)/2) for every factorized kernel.
  for (auto [kh, kw] : {std::pair{1, 7}, {7, 1}, {1, 3}, {3, 1}, {5, 5}}) {
    g = ops::sameGeometry(kh, kw, 1, 17, 17);
    EXPECT_EQ(g.padTop, (kh - 1) / 2) << kh << "x" << kw;
    EXPECT_EQ(g.padBottom, (kh - 1) / 2) << kh << "x" << kw;
    EXPECT_EQ(g.padLeft, (kw - 1) / 2) << kh << "x" << kw;
    EXPECT_EQ(g.padRight, (kw - 1) / 2) << kh << "x" << kw;
  }
  EXPECT_EQ(ops::convOutputSize(299, 3, 2, 0, 0), 149);
  EXPECT_EQ(ops::convOutputSize(2, 3, 1, 0, 0), 0);
}

// A fully connected layer adds its products in blocks (shaders/linear.comp), which an fp32 sum
// of this length shows exactly: 4096 products of 1 + 2^-14 sum to 4096.25, which blocks of up to
// 1024 products reach without a rounding (every partial sum a multiple of its ulp), while one
// sequential sum loses 2^-14 per product from 1024 on and ends at 4096.0625.
class FullyConnectedTest : public testing::TestWithParam<OpVariant> {};

TEST_P(FullyConnectedTest, AddsItsProductsInBlocks) {
  const OpVariant& variant = GetParam();
  const std::string why = unavailable(variant);
  if (!why.empty()) GTEST_SKIP() << why;
  vk::Device& device = deviceFor(variant);
  const int batch = 2, inC = 4096, outC = 5;
  const float product = 1.0f + std::ldexp(1.0f, -14);
  vk::Buffer xb = uploadTensor(device, std::vector<float>(deviceCount(batch, inC, 1), 1.0f),
                               ops::Precision::Fp32);
  const PackedWeights wb = uploadWeights(
      device,
      ops::packConvWeights(std::vector<float>(size_t(outC) * inC, product), outC, inC, 1, 1),
      std::vector<float>(outC, 0.0f), outC, ops::Precision::Fp32);
  vk::Buffer yb = uploadTensor(device, std::vector<float>(deviceCount(batch, outC, 1), kSentinel),
                               ops::Precision::Fp32);
  runDispatches(
      device, {ops::conv2dDispatch(device.kernels(), device.info(), tensorRef(xb, batch, inC, 1, 1),
                                   ops::validGeometry(1, 1, 1), wb.weights, wb.bias,
                                   tensorRef(yb, batch, outC, 1, 1),
                                   {ops::Activation::None, 1.0f, nullptr}, variant.tiling)});
  const std::vector<float> y =
      downloadTensor(device, yb, deviceCount(batch, outC, 1), ops::Precision::Fp32);
  for (int n = 0; n < batch; ++n) {
    for (int c = 0; c < outC; ++c) {
      EXPECT_EQ(y[c * deviceCount(batch, 1, 1) + n], 4096.25f) << "image " << n << ", output " << c;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, FullyConnectedTest,
                         testing::ValuesIn(opVariantsWhere([](const OpVariant& v) {
                           return v.precision == ops::Precision::Fp32;
                         })),
                         [](const testing::TestParamInfo<OpVariant>& info) {
                           return info.param.id;
                         });

// Every folded weight and bias against the fp64 fold of ops/conv2d.hpp's formula, w' = w g,
// b' = beta + (b - mean) g, g = gamma / sqrt(var + eps), with a g per output channel far from 1
// and from every other channel's (one negative), so that a channel left unscaled, scaled by a
// neighbour's g or with another eps shows. The library computes in double and rounds once to
// float: within half an ulp, 2^-24 relative, of the exact value, plus a few 2^-53 from double.
// Bound: 2^-23 relative to the largest |value| of each channel's weights and to each bias (no
// bias here comes from a near cancellation: |b'| >= 0.2).
TEST(Conv2dFold, BatchNormFoldMatchesEvalFormula) {
  const int outC = 5, inC = 3, kh = 2, kw = 3, perChannel = inC * kh * kw;
  const double eps = 1e-3;  // models::WeightLoader's
  const std::vector<float> gamma = {0.6f, -1.3f, 2.2f, 0.35f, 1.7f},
                           beta = {0.1f, -0.2f, 0.7f, -0.5f, 0.25f},
                           mean = {0.3f, -1.0f, 0.05f, 0.8f, -0.4f},
                           var = {0.09f, 0.64f, 3.0f, 0.2f, 0.5f};  // g: 1.99 -1.62 1.27 0.78 2.40
  const std::vector<float> weights = randomVector(size_t(outC) * perChannel, 11);
  const double bound = std::ldexp(1.0, -23);

  auto scaleOf = [&](int c) { return double(gamma[c]) / std::sqrt(double(var[c]) + eps); };
  auto check = [&](const std::vector<float>& convBias, const std::vector<float>& folded,
                   const std::vector<float>& foldedBias, const std::string& what) {
    ASSERT_EQ(folded.size(), weights.size()) << what;
    ASSERT_EQ(foldedBias.size(), size_t(outC)) << what;
    for (int c = 0; c < outC; ++c) {
      const double g = scaleOf(c);
      std::vector<double> want(perChannel);
      for (int k = 0; k < perChannel; ++k)
        want[k] = double(weights[size_t(c) * perChannel + k]) * g;
      EXPECT_TRUE(withinRelative(
          compareTensors(want.data(), folded.data() + size_t(c) * perChannel, perChannel), bound))
          << what << ": weights of channel " << c;
      const double b = convBias.empty() ? 0.0 : convBias[c];
      const double wantBias = beta[c] + (b - mean[c]) * g;
      EXPECT_TRUE(withinRelative(compareTensors(&wantBias, &foldedBias[c], 1), bound))
          << what << ": bias of channel " << c;
    }
  };

  // Without a convolution bias (b = 0) and with one.
  const std::vector<float> convBias = {0.05f, 0.4f, -0.3f, 0.0f, -0.6f};
  for (const std::vector<float>& initial : {std::vector<float>{}, convBias}) {
    const std::string what = initial.empty() ? "no conv bias" : "conv bias";
    std::vector<float> w = weights, bias = initial;
    ops::foldBatchNorm(w, bias, gamma, beta, mean, var, eps);
    check(initial, w, bias, what);

    // The two steps (models::WeightLoader) give the same floats, and g in double.
    std::vector<float> w2 = weights, bias2 = initial;
    const std::vector<double> scales =
        ops::foldBatchNormIntoBias(bias2, gamma, beta, mean, var, eps);
    ASSERT_EQ(scales.size(), size_t(outC));
    for (int c = 0; c < outC; ++c)
      EXPECT_NEAR(scales[c], scaleOf(c), 4 * std::ldexp(std::fabs(scaleOf(c)), -53)) << c;
    ops::scaleOutputChannels(w2, scales);
    EXPECT_EQ(w2, w) << what;
    EXPECT_EQ(bias2, bias) << what;
  }
}

TEST(Conv2dPacking, WritesEveryElementOfItsRangeInTheShadersLayout) {
  // 37 output channels: one full block of 32 and one of 5 lanes plus 27 of padding. Packed into
  // memory full of NaN (as mapped device memory may hold anything): every element must be the
  // weight [block][k][lane] names, or exactly 0 in the padding lanes.
  const int outC = 37, inC = 3, kh = 1, kw = 3, K = inC * kh * kw;
  std::vector<float> w(size_t(outC) * K);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = 1.0f + float(i);
  const size_t count = ops::packedConvWeightCount(outC, inC, kh, kw);
  ASSERT_EQ(count, size_t(2) * K * 32);
  std::vector<float> packed(count + 1, std::numeric_limits<float>::quiet_NaN());
  ops::packConvWeightsInto(w, outC, inC, kh, kw, packed.data());
  for (int block = 0; block < 2; ++block) {
    for (int k = 0; k < K; ++k) {
      for (int lane = 0; lane < 32; ++lane) {
        const int co = block * 32 + lane;
        const float expected = co < outC ? w[size_t(co) * K + k] : 0.0f;
        ASSERT_EQ(packed[(size_t(block) * K + k) * 32 + lane], expected)
            << "block " << block << ", k " << k << ", lane " << lane;
      }
    }
  }
  EXPECT_TRUE(std::isnan(packed[count])) << "wrote past its range";
  EXPECT_EQ(ops::packConvWeights(w, outC, inC, kh, kw),
            std::vector<float>(packed.begin(), packed.end() - 1));
}

}  // namespace
}  // namespace vkc::test
