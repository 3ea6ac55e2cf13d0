// The convolution op tests' harness (conv_harness.hpp).
#include "ops/conv_harness.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "io/half.hpp"
#include "support/cpu_reference.hpp"
#include "support/gpu_runner.hpp"

namespace vkc::selftest {
void PrintTo(const ConvCase& c, std::ostream* os) {
  *os << c.name;
}
}  // namespace vkc::selftest

namespace vkc::test::conv {
namespace {

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

}  // namespace

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

ops::WinogradLimits winogradLimitsOf(const OpVariant& variant) {
  return variant.tiling.atOnce ? kAtOnceWinogradLimits : ops::WinogradLimits{};
}

ops::WinogradPlan winogradPlanOf(const ConvCase& tc, const ops::WinogradLimits& limits) {
  const ops::ConvGeometry g = geometryOf(tc);
  return ops::winogradPlanFor(
      g, ops::convOutputSize(tc.inH, tc.kh, tc.stride, g.padTop, g.padBottom),
      ops::convOutputSize(tc.inW, tc.kw, tc.stride, g.padLeft, g.padRight), limits);
}

ConvOutcome runConvCase(const ConvCase& tc, const OpVariant& variant, Algorithm algorithm) {
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
    EXPECT_TRUE(selftest::useWinogradErrorScale(rc, plan, x, w, bias, residual, tc.scale, ref))
        << "no matrices for " << plan.name();
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
    const ops::ConvRoute familyRoute = variant.convKernel == vk::ConvKernel::Regtile
                                           ? ops::ConvRoute::Regtile
                                           : ops::ConvRoute::Igemm;
    EXPECT_EQ(convPlan.route == familyRoute, variant.convKernel.has_value() && !linear);
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
                                           selftest::fp16Share(variant.precision, ref.magnitude[o]);
                                  });
  outcome.errors =
      compareTensors(ref.value, sliceOf(y, tc.batch, tc.outC, ohw, outCTotal, tc.outCOffset));
  if (algorithm == Algorithm::Direct) {
    outcome.rmsScale = statisticalErrorScale(ref, precision, tc.inC * tc.kh * tc.kw);
  }
  return outcome;
}

std::string nameOf(const testing::TestParamInfo<ConvVariantCase>& info) {
  return variantTestName(std::get<0>(info.param).name, std::get<1>(info.param));
}

}  // namespace vkc::test::conv
