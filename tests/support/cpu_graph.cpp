#include "support/cpu_graph.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vkc::test {

std::vector<std::vector<double>> runGraphOnCpu(const graph::Graph& g,
                                               const std::vector<float>& input, int batch) {
  using graph::OpKind;
  std::vector<std::vector<double>> v(g.tensors.size());
  v[g.input].assign(input.begin(), input.end());
  for (const auto& node : g.nodes) {
    const auto& out = g.tensors[node.output];
    const auto& in = g.tensors[node.inputs[0]];
    const auto& x = v[node.inputs[0]];
    const size_t inHW = size_t(in.height) * in.width, outHW = size_t(out.height) * out.width;
    std::vector<double>& y = v[node.output];
    y.assign(size_t(batch) * out.channels * outHW, 0.0);
    switch (node.kind) {
      case OpKind::Conv: {
        const auto& w = g.weights[node.weights];
        const auto& geo = node.geometry;
        for (int n = 0; n < batch; ++n)
          for (int co = 0; co < out.channels; ++co)
            for (int oy = 0; oy < out.height; ++oy)
              for (int ox = 0; ox < out.width; ++ox) {
                double s = w.bias.empty() ? 0.0 : w.bias[co];
                for (int ci = 0; ci < in.channels; ++ci)
                  for (int ky = 0; ky < w.kernelH; ++ky)
                    for (int kx = 0; kx < w.kernelW; ++kx) {
                      int iy = oy * geo.strideH - geo.padTop + ky;
                      int ix = ox * geo.strideW - geo.padLeft + kx;
                      if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
                      s +=
                          x[(size_t(n) * in.channels + ci) * inHW + size_t(iy) * in.width + ix] *
                          w.weights[((size_t(co) * in.channels + ci) * w.kernelH + ky) * w.kernelW +
                                    kx];
                    }
                size_t o = (size_t(n) * out.channels + co) * outHW + size_t(oy) * out.width + ox;
                if (node.inputs.size() > 1) s = v[node.inputs[1]][o] + node.residualScale * s;
                y[o] = node.activation == ops::Activation::Relu ? std::max(s, 0.0) : s;
              }
        break;
      }
      case OpKind::WinogradInput:
      case OpKind::WinogradProducts:
      case OpKind::WinogradOutput:
        throw std::logic_error("the CPU reference runs graphs as built, before lowerToWinograd");
      case OpKind::Normalize:
      case OpKind::MeanProbabilities:
        throw std::logic_error("the CPU reference runs single networks (ensembles: test_ensemble)");
      case OpKind::Pool: {
        const auto& p = node.pool;
        for (int n = 0; n < batch; ++n)
          for (int c = 0; c < out.channels; ++c)
            for (int oy = 0; oy < out.height; ++oy)
              for (int ox = 0; ox < out.width; ++ox) {
                double acc = node.poolMode == ops::PoolMode::Max ? -INFINITY : 0.0;
                int taps = 0;
                for (int ky = 0; ky < p.kernel; ++ky)
                  for (int kx = 0; kx < p.kernel; ++kx) {
                    int iy = oy * p.stride - p.pad + ky, ix = ox * p.stride - p.pad + kx;
                    if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
                    double val =
                        x[(size_t(n) * in.channels + c) * inHW + size_t(iy) * in.width + ix];
                    acc = node.poolMode == ops::PoolMode::Max ? std::max(acc, val) : acc + val;
                    ++taps;
                  }
                if (node.poolMode == ops::PoolMode::AverageExcludePad) acc /= taps;
                if (node.poolMode == ops::PoolMode::AverageIncludePad) acc /= p.kernel * p.kernel;
                y[(size_t(n) * out.channels + c) * outHW + size_t(oy) * out.width + ox] = acc;
              }
        break;
      }
      case OpKind::GlobalAvgPool:
        for (size_t nc = 0; nc < size_t(batch) * in.channels; ++nc) {
          double s = 0;
          for (size_t i = 0; i < inHW; ++i)
            s += x[nc * inHW + i];
          y[nc] = s / inHW;
        }
        break;
      case OpKind::CopyChannels:
        y = x;
        break;
      case OpKind::Concat: {
        int offset = 0;
        for (int t : node.inputs) {
          const auto& src = v[t];
          int c = g.tensors[t].channels;
          for (int n = 0; n < batch; ++n)
            std::copy(src.begin() + size_t(n) * c * outHW, src.begin() + size_t(n + 1) * c * outHW,
                      y.begin() + (size_t(n) * out.channels + offset) * outHW);
          offset += c;
        }
        break;
      }
      case OpKind::Softmax:
        for (int n = 0; n < batch; ++n) {
          double m = -INFINITY, s = 0;
          for (int i = 0; i < out.channels; ++i)
            m = std::max(m, x[size_t(n) * out.channels + i]);
          for (int i = 0; i < out.channels; ++i)
            s += std::exp(x[size_t(n) * out.channels + i] - m);
          for (int i = 0; i < out.channels; ++i)
            y[size_t(n) * out.channels + i] = std::exp(x[size_t(n) * out.channels + i] - m) / s;
        }
        break;
    }
  }
  return v;
}

}  // namespace vkc::test
