#pragma once
// Straightforward CPU references for every op, accumulating in double. They share no code
// with the shaders or their host-side packing: plain loops over PyTorch-layout tensors.
#include <cstddef>
#include <vector>

namespace vkc::test {

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

// fp32 error bound for a value computed as a sum of `terms` products: the classic worst case
// |err| <= terms * u * sum|x_i * w_i| with u = 2^-24, doubled for the epilogue's roundings.
double fp32Bound(double magnitude, int terms);

enum class RefPool { Max, AvgExcludePad, AvgIncludePad };
std::vector<double> referencePool(const std::vector<float>& x, int n, int c, int h, int w,
                                  int kernel, int stride, int pad, RefPool mode, int* outH,
                                  int* outW);

}  // namespace vkc::test
