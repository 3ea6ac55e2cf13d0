// Convolution shader vs. the double-precision CPU reference, over every kernel shape the
// Inception networks use, odd sizes, strides, paddings, channel slices and the residual epilogue.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string>
#include <utility>

#include "ops/conv2d.hpp"
#include "ops/winograd.hpp"
#include "ops/winograd_matrices.hpp"
#include "support/cpu_reference.hpp"
#include "support/gpu_runner.hpp"
#include "support/vulkan_env.hpp"

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

struct ConvOutcome {
  double maxError = 0, maxRatio = 0;  // worst |gpu - ref| and worst |gpu - ref| / bound
};

constexpr float kSentinel = -12345.0f;

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

// The matrices of a Winograd plan as the test reads them (tools/gen-winograd.py).
struct WinogradMatrices {
  const double *g, *bt, *at;
};
WinogradMatrices matricesOf(const ops::WinogradPlan& plan) {
  namespace wm = ops::winograd_matrices;
  if (plan.tile == 4 && plan.taps == 3) return {wm::G_F4_3, wm::BT_F4_3, wm::AT_F4_3};
  if (plan.tile == 6 && plan.taps == 3) return {wm::G_F6_3, wm::BT_F6_3, wm::AT_F6_3};
  if (plan.tile == 4 && plan.taps == 7) return {wm::G_F4_7, wm::BT_F4_7, wm::AT_F4_7};
  if (plan.tile == 6 && plan.taps == 7) return {wm::G_F6_7, wm::BT_F6_7, wm::AT_F6_7};
  ADD_FAILURE() << "no matrices for F(" << plan.tile << "," << plan.taps << ")";
  return {nullptr, nullptr, nullptr};
}

// The error scale of a Winograd result, to replace the direct sum's in the reference: each
// stage rounds sums whose magnitudes pass through |BT|, |U| (U = G w, in double here) and |AT|:
// sum_xi |AT[i][xi]| sum_(c,l) |U[xi][o][c,l]| sum_k |BT[xi][k]| |x at tap k|, plus the bias.
// The rounding steps: alpha (input) + K (products) + alpha (output) + 4 (epilogue).
void useWinogradErrorScale(const RefConv& rc, const ops::WinogradPlan& plan,
                           const std::vector<float>& x, const std::vector<float>& w,
                           const std::vector<float>& bias, const std::vector<float>& residual,
                           float scale, RefResult& ref) {
  const WinogradMatrices m = matricesOf(plan);
  if (!m.g) return;
  const int alpha = plan.alpha(), taps = plan.taps, lines = plan.lines;
  const int oh = rc.outH(), ow = rc.outW();
  const int padAlong = plan.vertical ? rc.padTop : rc.padLeft;
  const int padAcross = plan.vertical ? rc.padLeft : rc.padTop;
  // |U|[xi][o][c][l]
  std::vector<double> u(size_t(alpha) * rc.outC * rc.inC * lines);
  for (int xi = 0; xi < alpha; ++xi)
    for (int o = 0; o < rc.outC; ++o)
      for (int c = 0; c < rc.inC; ++c)
        for (int l = 0; l < lines; ++l) {
          double sum = 0;
          for (int k = 0; k < taps; ++k) {
            const int ky = plan.vertical ? k : l, kx = plan.vertical ? l : k;
            sum += m.g[xi * taps + k] * w[((size_t(o) * rc.inC + c) * rc.kh + ky) * rc.kw + kx];
          }
          u[((size_t(xi) * rc.outC + o) * rc.inC + c) * lines + l] = std::fabs(sum);
        }
  auto input = [&](int n, int c, int y, int xx) {
    if (y < 0 || y >= rc.inH || xx < 0 || xx >= rc.inW) return 0.0;
    return std::fabs(double(x[((size_t(n) * rc.inC + c) * rc.inH + y) * rc.inW + xx]));
  };
  const int outAlong = plan.vertical ? oh : ow, outAcross = plan.vertical ? ow : oh;
  std::vector<double> transformed(size_t(alpha) * rc.inC * lines);  // |BT| |d| of one tile
  std::vector<double> products(alpha);                              // |U| |BT| |d|
  for (int n = 0; n < rc.batch; ++n)
    for (int across = 0; across < outAcross; ++across)
      for (int tileStart = 0; tileStart < outAlong; tileStart += plan.tile) {
        for (int c = 0; c < rc.inC; ++c)
          for (int l = 0; l < lines; ++l)
            for (int xi = 0; xi < alpha; ++xi) {
              double sum = 0;
              for (int k = 0; k < alpha; ++k) {
                const int a = tileStart + k - padAlong, b = across + l - padAcross;
                sum += std::fabs(m.bt[xi * alpha + k]) *
                       (plan.vertical ? input(n, c, a, b) : input(n, c, b, a));
              }
              transformed[(size_t(xi) * rc.inC + c) * lines + l] = sum;
            }
        for (int o = 0; o < rc.outC; ++o) {
          for (int xi = 0; xi < alpha; ++xi) {
            products[xi] = 0;
            for (size_t k = 0; k < size_t(rc.inC) * lines; ++k)
              products[xi] += u[(size_t(xi) * rc.outC + o) * rc.inC * lines + k] *
                              transformed[size_t(xi) * rc.inC * lines + k];
          }
          for (int i = 0; i < plan.tile && tileStart + i < outAlong; ++i) {
            double mag = std::fabs(bias[o]);
            for (int xi = 0; xi < alpha; ++xi)
              mag += std::fabs(m.at[i * alpha + xi]) * products[xi];
            const int y = plan.vertical ? tileStart + i : across;
            const int xo = plan.vertical ? across : tileStart + i;
            const size_t index = ((size_t(n) * rc.outC + o) * oh + y) * ow + xo;
            ref.magnitude[index] =
                residual.empty() ? mag : std::fabs(residual[index]) + std::fabs(scale) * mag;
            ref.terms[index] = rc.inC * lines + 2 * alpha + 4;
          }
        }
      }
}

enum class Algorithm { Direct, Winograd };

ConvOutcome runConvCase(const ConvCase& tc, const ops::ConvTiling& tiling,
                        Algorithm algorithm = Algorithm::Direct) {
  vk::Device& device = sharedDevice();
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

  auto x = randomVector(size_t(tc.batch) * tc.inC * tc.inH * tc.inW, 1);
  auto w = randomVector(size_t(tc.outC) * tc.inC * tc.kh * tc.kw, 2,
                        -1.0f / std::sqrt(float(tc.inC * tc.kh * tc.kw)),
                        1.0f / std::sqrt(float(tc.inC * tc.kh * tc.kw)));
  auto bias = randomVector(tc.outC, 3, -0.1f, 0.1f);
  std::vector<float> residual;
  if (tc.residual) residual = randomVector(size_t(tc.batch) * tc.outC * oh * ow, 4);
  RefResult ref = referenceConv(rc, x, w, bias, residual, tc.scale, tc.relu);
  const ops::WinogradPlan plan = ops::winogradPlanFor(g, oh, ow);
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
  vk::Buffer xb = upload(device, toDevice(x, tc.batch, tc.inC, inHW));
  vk::Buffer wb = upload(device, algorithm == Algorithm::Winograd
                                     ? ops::packWinogradWeights(w, tc.outC, tc.inC, plan)
                                     : ops::packConvWeights(w, tc.outC, tc.inC, tc.kh, tc.kw));
  vk::Buffer bb = upload(device, ops::padBias(bias, tc.outC));
  vk::Buffer yb =
      upload(device, std::vector<float>(deviceCount(tc.batch, outCTotal, ohw), kSentinel));
  vk::Buffer rb =
      upload(device, tc.residual ? toDevice(placeInSlice(residual, 0.0f), tc.batch, outCTotal, ohw)
                                 : std::vector<float>{0});
  ops::TensorRef in = tensorRef(xb, tc.batch, tc.inC, tc.inH, tc.inW);
  ops::TensorRef out = tensorRef(yb, tc.batch, tc.outC, oh, ow, tc.outCOffset);
  ops::TensorRef res = tensorRef(rb, tc.batch, tc.outC, oh, ow, tc.outCOffset);
  ops::ConvEpilogue epilogue{tc.relu ? ops::Activation::Relu : ops::Activation::None, tc.scale,
                             tc.residual ? &res : nullptr};
  if (algorithm == Algorithm::Winograd) {
    // The intermediate tensors start as NaN: nothing may read what the stages did not write.
    const int across = plan.across(oh, ow), tiles = plan.tiles(oh, ow), alpha = plan.alpha();
    const int transformedC = alpha * tc.inC * plan.lines, productsC = alpha * tc.outC;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    vk::Buffer vb = upload(
        device, std::vector<float>(deviceCount(tc.batch, transformedC, across * tiles), nan));
    vk::Buffer mb =
        upload(device, std::vector<float>(deviceCount(tc.batch, productsC, across * tiles), nan));
    ops::TensorRef transformed = tensorRef(vb, tc.batch, transformedC, across, tiles);
    ops::TensorRef products = tensorRef(mb, tc.batch, productsC, across, tiles);
    vk::KernelCache& kernels = device.kernels();
    runDispatches(
        device, {ops::winogradInputDispatch(kernels, device.info(), in, g, plan, transformed),
                 ops::conv1x1Dispatch(
                     kernels, device.info(), transformed, whole(wb), vk::BufferSlice{}, products,
                     ops::ConvEpilogue{ops::Activation::None, 1.0f, nullptr}, tiling, alpha),
                 ops::winogradOutputDispatch(kernels, device.info(), products, plan, whole(bb), out,
                                             epilogue)});
  } else {
    runDispatches(device, {ops::conv2dDispatch(device.kernels(), device.info(), in, g, whole(wb),
                                               whole(bb), out, epilogue, tiling)});
  }
  auto y = fromDevice(download(device, yb, deviceCount(tc.batch, outCTotal, ohw)), tc.batch,
                      outCTotal, ohw);

  ConvOutcome outcome;
  for (int n = 0; n < tc.batch; ++n)
    for (int c = 0; c < outCTotal; ++c)
      for (int i = 0; i < oh * ow; ++i) {
        float got = y[(size_t(n) * outCTotal + c) * oh * ow + i];
        int local = c - tc.outCOffset;
        if (local < 0 || local >= tc.outC) {
          // Channels outside this op's slice belong to its siblings: untouched.
          if (got != kSentinel) {
            ADD_FAILURE() << tc.name << ": wrote outside its slice at n=" << n << " c=" << c;
            return outcome;
          }
          continue;
        }
        size_t o = (size_t(n) * tc.outC + local) * oh * ow + i;
        double err = std::fabs(double(got) - ref.value[o]);
        double bound = fp32Bound(ref.magnitude[o], ref.terms[o]);
        outcome.maxError = std::max(outcome.maxError, err);
        outcome.maxRatio = std::max(outcome.maxRatio, err / bound);
        if (err > bound) {
          ADD_FAILURE() << tc.name << ": n=" << n << " c=" << local << " pixel=" << i
                        << " gpu=" << got << " ref=" << ref.value[o] << " bound=" << bound;
          return outcome;
        }
      }
  return outcome;
}

class Conv2dTest : public testing::TestWithParam<ConvCase> {};

TEST_P(Conv2dTest, MatchesCpuReference) {
  // Tolerance per element: 2 * (K + 4) * 2^-24 * sum|x_i w_i| (fp32 accumulation of K products
  // plus the bias/scale/residual roundings; see tests/support/cpu_reference.hpp).
  // Both register blockings run on every device: large (CPU drivers) and small (GPUs, and
  // quickStart) blocks (ops/conv2d.hpp).
  for (const auto& [tiling, label] : {std::pair{ops::kLargeTiling, "large blocks"},
                                      std::pair{ops::kSmallTiling, "small blocks"}}) {
    ConvOutcome o = runConvCase(GetParam(), tiling);
    RecordProperty(std::string("max_abs_error ") + label, std::to_string(o.maxError));
    std::printf("[ conv ] %-34s %s: max |err| %.3g (%.3f of bound)\n", GetParam().name.c_str(),
                label, o.maxError, o.maxRatio);
  }
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
    {"fc_as_1x1", 3, 100, 1, 1, 37, 1, 1, 1, ConvCase::Valid, {}, false, false, 1, 0, 0},
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

INSTANTIATE_TEST_SUITE_P(Ops, Conv2dTest, testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

ops::WinogradPlan winogradPlanOf(const ConvCase& tc) {
  const ops::ConvGeometry g = geometryOf(tc);
  return ops::winogradPlanFor(g,
                              ops::convOutputSize(tc.inH, tc.kh, tc.stride, g.padTop, g.padBottom),
                              ops::convOutputSize(tc.inW, tc.kw, tc.stride, g.padLeft, g.padRight));
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
      // F(4,3): lines of 16 or 20 outputs; asymmetric padding.
      {"f43_3x3_same_batch3_20",
       3,
       5,
       20,
       20,
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
      {"f43_1x3_slice_20x16", 1, 7, 20, 16, 6, 1, 3, 1, ConvCase::Same, {}, true, false, 1, 11, 3},
      {"f43_3x1_batch2_16x20", 2, 6, 16, 20, 5, 3, 1, 1, ConvCase::Same, {}, false, false, 1, 0, 0},
      // F(4,7): lines of 8 (F(6,7) takes the networks' lines of 17), residual, batch 2.
      {"f47_1x7_residual_batch2_8",
       2,
       9,
       8,
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
      {"f47_7x1_slice_8x11", 1, 6, 8, 11, 5, 7, 1, 1, ConvCase::Same, {}, false, false, 1, 9, 2},
      {"f63_3x3_explicit_pad",
       1,
       3,
       18,
       21,
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
  };
  cases.insert(cases.end(), std::begin(more), std::end(more));
  return cases;
}

class WinogradConvTest : public testing::TestWithParam<ConvCase> {};

// Tolerance per element: 2 * (K + 2 alpha + 4) * 2^-24 times the magnitude of the sums each of
// the three stages rounds (useWinogradErrorScale): the worst case, as for direct convolution.
TEST_P(WinogradConvTest, MatchesCpuReference) {
  const ConvCase& tc = GetParam();
  const ops::WinogradPlan plan = winogradPlanOf(tc);
  ASSERT_TRUE(plan.enabled()) << "no Winograd plan for " << tc.name;
  for (const auto& [tiling, label] : {std::pair{ops::kLargeTiling, "large blocks"},
                                      std::pair{ops::kSmallTiling, "small blocks"}}) {
    ConvOutcome o = runConvCase(tc, tiling, Algorithm::Winograd);
    std::printf("[ winograd F(%d,%d) ] %-28s %s: max |err| %.3g (%.3f of bound)\n", plan.tile,
                plan.taps, tc.name.c_str(), label, o.maxError, o.maxRatio);
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, WinogradConvTest, testing::ValuesIn(winogradCases()),
                         [](const auto& info) { return info.param.name; });

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

TEST(Conv2dFold, BatchNormFoldMatchesEvalFormula) {
  std::vector<float> w = {1.0f, -2.0f, 0.5f, 4.0f}, bias;
  std::vector<float> gamma = {2.0f, 0.5f}, beta = {0.1f, -0.2f}, mean = {0.3f, -1.0f},
                     var = {4.0f - 0.001f, 1.0f - 0.001f};
  ops::foldBatchNorm(w, bias, gamma, beta, mean, var, 0.001);
  // channel 0: g = 2 / sqrt(4) = 1; channel 1: g = 0.5 / 1 = 0.5
  EXPECT_NEAR(w[0], 1.0f, 1e-6);
  EXPECT_NEAR(w[3], 2.0f, 1e-6);
  EXPECT_NEAR(bias[0], 0.1 - 0.3, 1e-6);
  EXPECT_NEAR(bias[1], -0.2 + 0.5, 1e-6);
}

}  // namespace
}  // namespace vkc::test
