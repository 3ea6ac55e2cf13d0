#include "selftest/reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "io/half.hpp"
#include "ops/winograd_matrices.hpp"

namespace vkc::selftest {
namespace {

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

  return {0, 0, 0, nullptr, nullptr, nullptr};
}

}  // namespace

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

bool useWinogradErrorScale(const RefConv& rc, const ops::WinogradPlan& plan,
                           const std::vector<float>& x, const std::vector<float>& w,
                           const std::vector<float>& bias, const std::vector<float>& residual,
                           float scale, RefResult& ref) {
  const AxisMatrices h = axisOf(plan.tileH, plan.tapsH), v = axisOf(plan.tileW, plan.tapsW);
  if (!h.g || !v.g) return false;
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
  return true;
}

double fp32Bound(double magnitude, int terms) {
  const double u = std::ldexp(1.0, -24);
  return 2.0 * terms * u * magnitude + std::numeric_limits<float>::denorm_min();
}

double unitRoundoff(ops::Precision precision) {
  return std::ldexp(1.0, precision == ops::Precision::Fp16 ? -11 : -24);
}

double fp16Share(ops::Precision precision, double magnitude) {
  return precision == ops::Precision::Fp16
             ? 4 * unitRoundoff(ops::Precision::Fp16) * std::fabs(magnitude)
             : 0.0;
}

double storedShare(ops::Precision precision, double value) {
  return fp16Share(precision, value) / 2;
}

std::vector<float> roundedTo(ops::Precision precision, std::vector<float> values) {
  if (precision == ops::Precision::Fp16) {
    for (float& v : values)
      v = io::halfToFloat(io::floatToHalf(v));
  }
  return values;
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

std::vector<float> randomVector(size_t count, uint32_t seed, float lo, float hi) {
  std::vector<float> v(count);
  uint32_t state = seed * 2654435761u + 12345u;
  for (auto& x : v) {
    state = state * 1664525u + 1013904223u;
    x = lo + (hi - lo) * static_cast<float>(state >> 8) / 16777216.0f;
  }
  return v;
}

}  // namespace vkc::selftest
