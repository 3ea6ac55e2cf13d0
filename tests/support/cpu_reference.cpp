#include "support/cpu_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vkc::test {

RefResult referenceConv(const RefConv& c, const std::vector<float>& x, const std::vector<float>& w,
                        const std::vector<float>& bias, const std::vector<float>& residual,
                        float scale, bool relu) {
  const int oh = c.outH(), ow = c.outW();
  RefResult r;
  const size_t total = size_t(c.batch) * c.outC * oh * ow;
  r.value.resize(total);
  r.magnitude.resize(total);
  r.squares.resize(total);
  r.terms.assign(total, c.inC * c.kh * c.kw + 4);
  for (int n = 0; n < c.batch; ++n)
    for (int co = 0; co < c.outC; ++co)
      for (int y = 0; y < oh; ++y)
        for (int xo = 0; xo < ow; ++xo) {
          double sum = bias.empty() ? 0.0 : bias[co];
          double mag = std::fabs(sum), squares = sum * sum;
          for (int ci = 0; ci < c.inC; ++ci)
            for (int ky = 0; ky < c.kh; ++ky)
              for (int kx = 0; kx < c.kw; ++kx) {
                int iy = y * c.strideH - c.padTop + ky, ix = xo * c.strideW - c.padLeft + kx;
                if (iy < 0 || iy >= c.inH || ix < 0 || ix >= c.inW) continue;
                double term = double(x[((size_t(n) * c.inC + ci) * c.inH + iy) * c.inW + ix]) *
                              w[((size_t(co) * c.inC + ci) * c.kh + ky) * c.kw + kx];
                sum += term;
                mag += std::fabs(term);
                squares += term * term;
              }
          size_t o = ((size_t(n) * c.outC + co) * oh + y) * ow + xo;
          double v = sum, m = mag;
          if (!residual.empty()) {
            v = residual[o] + double(scale) * sum;
            m = std::fabs(residual[o]) + std::fabs(scale) * mag;
          }
          r.value[o] = relu ? std::max(v, 0.0) : v;
          r.magnitude[o] = m;
          r.squares[o] = residual.empty() ? squares : double(scale) * scale * squares;
        }
  return r;
}

double fp32Bound(double magnitude, int terms) {
  const double u = std::ldexp(1.0, -24);
  return 2.0 * terms * u * magnitude + std::numeric_limits<float>::denorm_min();
}

std::vector<double> referencePool(const std::vector<float>& x, int n, int c, int h, int w,
                                  int kernel, int stride, int pad, RefPool mode, int* outH,
                                  int* outW) {
  const int oh = (h + 2 * pad - kernel) / stride + 1, ow = (w + 2 * pad - kernel) / stride + 1;
  *outH = oh;
  *outW = ow;
  std::vector<double> out(size_t(n) * c * oh * ow);
  for (int b = 0; b < n; ++b)
    for (int ch = 0; ch < c; ++ch)
      for (int y = 0; y < oh; ++y)
        for (int xo = 0; xo < ow; ++xo) {
          double acc = mode == RefPool::Max ? -std::numeric_limits<double>::infinity() : 0.0;
          int count = 0;
          for (int ky = 0; ky < kernel; ++ky)
            for (int kx = 0; kx < kernel; ++kx) {
              int iy = y * stride - pad + ky, ix = xo * stride - pad + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              double v = x[((size_t(b) * c + ch) * h + iy) * w + ix];
              acc = mode == RefPool::Max ? std::max(acc, v) : acc + v;
              ++count;
            }
          if (mode == RefPool::AvgExcludePad) acc /= count;
          if (mode == RefPool::AvgIncludePad) acc /= kernel * kernel;
          out[((size_t(b) * c + ch) * oh + y) * ow + xo] = acc;
        }
  return out;
}

}  // namespace vkc::test
