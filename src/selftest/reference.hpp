#pragma once
// Straightforward CPU references of the ops, accumulating in double, and the error bounds the
// self-test and the op tests (tests/ops/) hold the device to. They share no code with the
// shaders or their host-side packing: plain loops over PyTorch-layout tensors.
#include <cstddef>
#include <vector>

#include "ops/precision.hpp"
#include "ops/winograd.hpp"

namespace vkc::selftest {

struct RefConv {
  int batch, inC, inH, inW, outC, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight;
  int outH() const { return (inH + padTop + padBottom - kh) / strideH + 1; }
  int outW() const { return (inW + padLeft + padRight - kw) / strideW + 1; }
};

struct RefResult {
  std::vector<double> value;      // [N, outC, outH, outW]
  std::vector<double> magnitude;  // sum of |terms| that went into each value (error scale)
  // Sum of the squared terms of each value (the bias and the products, times scale^2 under a
  // residual): the scale of its rounding error where the roundings are independent.
  std::vector<double> squares;
  std::vector<int> terms;  // number of rounding steps an fp32 engine may take
};

// out = act(residual + scale * (conv(x, w) + bias)); residual may be empty; relu optional.
RefResult referenceConv(const RefConv& c, const std::vector<float>& x, const std::vector<float>& w,
                        const std::vector<float>& bias, const std::vector<float>& residual,
                        float scale, bool relu);

// The error scale of a Winograd result, to replace the direct sum's in `ref`: each stage rounds
// sums whose magnitudes pass through |BTh| |BTw|, |U| (U = Gh w Gw^T, in double here) and |ATh|
// |ATw|: sum_p |ATh[i][ph] ATw[j][pw]| sum_c |U[p][o][c]| sum_(a,b) |BTh[ph][a] BTw[pw][b]| |x at
// (a, b)|, plus the bias. The rounding steps: alpha per transformed axis in the input
// transform, K = inC in the products, alpha per axis again in the output, 4 in the epilogue.
// Returns false for a plan whose matrices it does not know (ref unchanged).
bool useWinogradErrorScale(const RefConv& rc, const ops::WinogradPlan& plan,
                           const std::vector<float>& x, const std::vector<float>& w,
                           const std::vector<float>& bias, const std::vector<float>& residual,
                           float scale, RefResult& ref);

// fp32 error bound for a value computed as a sum of `terms` products: the classic worst case
// |err| <= terms * u * sum|x_i * w_i| with u = 2^-24, doubled for the epilogue's roundings.
double fp32Bound(double magnitude, int terms);
// The unit roundoff of a storage format: 2^-24 (fp32), 2^-11 (fp16).
double unitRoundoff(ops::Precision precision);
// fp16's share of the bound, on top of the fp32 accumulation's: inputs, weights and residual are
// rounded to fp16 before the reference sees them, but each product is rounded to fp16 and the
// output is stored in fp16, each by at most one fp16 ulp, 2 * 2^-11 relative (Vulkan leaves the
// rounding of fp16 arithmetic and conversions to the device): 4 * 2^-11 of the magnitude of the
// terms. 0 for fp32.
double fp16Share(ops::Precision precision, double magnitude);
// fp16's share of a bound on a value that is only stored in fp16 (copied, averaged, normalised):
// one fp16 ulp, 2 * 2^-11 of its magnitude; 0 for fp32.
double storedShare(ops::Precision precision, double value);
// Values as tensors of `precision` hold them: fp16 rounds to nearest even on the host.
std::vector<float> roundedTo(ops::Precision precision, std::vector<float> values);

enum class RefPool { Max, AvgExcludePad, AvgIncludePad };
std::vector<double> referencePool(const std::vector<float>& x, int n, int c, int h, int w,
                                  int kernel, int stride, int pad, RefPool mode, int* outH,
                                  int* outW);

// Uniform values in [lo, hi) from a fixed linear congruential sequence of `seed`.
std::vector<float> randomVector(size_t count, uint32_t seed, float lo = -1.0f, float hi = 1.0f);

}  // namespace vkc::selftest
