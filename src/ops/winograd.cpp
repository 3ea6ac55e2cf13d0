#include "ops/winograd.hpp"

#include <algorithm>
#include <string>

#include "ops/winograd_matrices.hpp"
#include "vkception/error.hpp"

namespace vkc::ops {
namespace {

// Transform workgroups: 8 pixel quads x 8 channels (shaders/winograd_input.comp).
constexpr uint32_t kQuadsPerGroup = 8, kChannelsPerGroup = 8;

// Where Winograd beat direct convolution on lavapipe (Inception-v4, benchmarks/RESULTS.md).
// The products' plane must fill the 1x1 kernel's lanes: 8x8's 1x3 layers give 16 pixels (4
// quads) and ran 2.5x slower; F(6,7) on 17x17 gives 51 and runs ~20% faster than F(4,7)'s 85
// (fewer products and fewer transformed values). The transforms cost per input and per output
// channel, the savings per product of both: the stem's 64 -> 64 1x7 on 73x73 ran at 31 nominal
// GFLOP/s (44 directly), 192 -> 224 on 17x17 at 78.
constexpr int kMinPlanePixels = 48;
constexpr int kMinChannels = 128;  // of K = inC * lines and of outC

struct Variant {
  int tile, taps;
  const double* g;  // alpha x taps
};
constexpr Variant kVariants[] = {{4, 3, winograd_matrices::G_F4_3},
                                 {6, 3, winograd_matrices::G_F6_3},
                                 {4, 7, winograd_matrices::G_F4_7},
                                 {6, 7, winograd_matrices::G_F6_7}};

const Variant& variantOf(const WinogradPlan& plan) {
  for (const Variant& v : kVariants) {
    if (v.tile == plan.tile && v.taps == plan.taps) return v;
  }
  throw Error("winograd: no F(" + std::to_string(plan.tile) + "," + std::to_string(plan.taps) +
              ") variant");
}

struct InputPush {
  int batch, inC, inH, inW;
  int padAlong, padAcross;
  int inOffset, outOffset;
};

struct OutputPush {
  int batch, outC, outH, outW;
  int productsOffset, outOffset, resOffset;
  int flags;  // bit 0: ReLU, bit 1: residual
  float scale;
};

// A transform shader's pipeline (spec constants 3..8: the plan and the intermediate tensors'
// shape) and its grid of 8 quads x 8 channels per workgroup; binding 0 is a texel buffer of
// `components` elements per texel.
vk::Dispatch transformDispatch(vk::KernelCache& kernels, const char* shader, Precision precision,
                               const WinogradPlan& plan, int across, int tiles, int batch,
                               int channels, uint32_t bindings, uint32_t pushBytes,
                               int components) {
  vk::Dispatch d;
  d.kernel = &kernels.get({shaderFor(shader, precision),
                           {kQuadsPerGroup, kChannelsPerGroup, 1},
                           {uint32_t(plan.tile), uint32_t(plan.taps), uint32_t(plan.lines),
                            uint32_t(plan.vertical), uint32_t(tiles), uint32_t(across)},
                           bindings,
                           pushBytes,
                           {texelFormat(precision, components)}});
  d.groups = {vk::divUp(planeElements(batch, across, tiles) / 4, kQuadsPerGroup),
              vk::divUp(channels, kChannelsPerGroup), 1};
  return d;
}

void requireShape(const TensorRef& t, int channels, int height, int width, int batch,
                  const char* what) {
  if (t.channels != channels || t.height != height || t.width != width || t.batch != batch) {
    throw Error(std::string("winograd: the ") + what + " tensor is " + std::to_string(t.channels) +
                "x" + std::to_string(t.height) + "x" + std::to_string(t.width) +
                ", the plan needs " + std::to_string(channels) + "x" + std::to_string(height) +
                "x" + std::to_string(width));
  }
}

}  // namespace

WinogradPlan winogradPlanFor(const ConvGeometry& g, int outH, int outW) {
  if (g.strideH != 1 || g.strideW != 1) return {};
  const bool vertical = g.kernelW == 1 && g.kernelH > 1;
  const int taps = vertical ? g.kernelH : g.kernelW;
  const int along = vertical ? outH : outW;
  WinogradPlan best;
  long bestProducts = 0;
  for (const Variant& v : kVariants) {
    if (v.taps != taps) continue;
    WinogradPlan plan{v.tile, v.taps, vertical ? g.kernelW : g.kernelH, vertical};
    const long products = long(plan.alpha()) * plan.tiles(outH, outW);
    if (!best.enabled() || products < bestProducts) {
      best = plan;
      bestProducts = products;
    }
  }
  if (!best.enabled() || 4 * bestProducts >= 3L * taps * along) return {};
  return best;
}

bool winogradPays(const WinogradPlan& plan, int inC, int outC, int outH, int outW) {
  return plan.enabled() && plan.across(outH, outW) * plan.tiles(outH, outW) >= kMinPlanePixels &&
         std::min(inC * plan.lines, outC) >= kMinChannels;
}

std::vector<float> packWinogradWeights(const std::vector<float>& weights, int outC, int inC,
                                       const WinogradPlan& plan) {
  const Variant& v = variantOf(plan);
  const int alpha = plan.alpha(), taps = plan.taps, lines = plan.lines;
  if (weights.size() != size_t(outC) * inC * taps * lines) {
    throw Error("winograd: weight count does not match the kernel");
  }
  const size_t K = size_t(inC) * lines;
  std::vector<float> filters(alpha * outC * K);  // [alpha][outC][K]
  for (int o = 0; o < outC; ++o) {
    for (int c = 0; c < inC; ++c) {
      for (int l = 0; l < lines; ++l) {
        // Tap k of line l: [kh][kw] is [l][k] along a row, [k][l] (lines == 1) down a column.
        const float* w = &weights[((size_t(o) * inC + c) * lines + l) * taps];
        for (int xi = 0; xi < alpha; ++xi) {
          double sum = 0;
          for (int k = 0; k < taps; ++k)
            sum += v.g[xi * taps + k] * w[k];
          filters[(xi * outC + o) * K + size_t(c) * lines + l] = static_cast<float>(sum);
        }
      }
    }
  }
  std::vector<float> packed;
  for (int xi = 0; xi < alpha; ++xi) {
    const std::vector<float> u(filters.begin() + xi * outC * K,
                               filters.begin() + (xi + 1) * outC * K);
    const std::vector<float> group = packConvWeights(u, outC, int(K), 1, 1);
    packed.insert(packed.end(), group.begin(), group.end());
  }
  return packed;
}

vk::Dispatch winogradInputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                   const TensorRef& in, const ConvGeometry& g,
                                   const WinogradPlan& plan, const TensorRef& transformed) {
  variantOf(plan);  // throws for a plan without matrices
  const int outH = convOutputSize(in.height, g.kernelH, 1, g.padTop, g.padBottom);
  const int outW = convOutputSize(in.width, g.kernelW, 1, g.padLeft, g.padRight);
  const int across = plan.across(outH, outW), tiles = plan.tiles(outH, outW);
  requireShape(transformed, plan.alpha() * in.channels * plan.lines, across, tiles, in.batch,
               "transformed input");
  if (transformed.precision != in.precision || transformed.elementOffset % 4 != 0) {
    throw Error("winograd: the transformed input must match the input's precision and vec4s");
  }
  vk::Dispatch d = transformDispatch(kernels, "winograd_input", in.precision, plan, across, tiles,
                                     in.batch, in.channels * plan.lines, 2, sizeof(InputPush), 1);
  d.buffers = {texelSlice(in, 1, device, "winograd"), transformed.slice};
  d.setPush(InputPush{in.batch, in.channels, in.height, in.width,
                      plan.vertical ? g.padTop : g.padLeft, plan.vertical ? g.padLeft : g.padTop,
                      in.elementOffset, transformed.elementOffset});
  return d;
}

vk::Dispatch winogradOutputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                    const TensorRef& products, const WinogradPlan& plan,
                                    vk::BufferSlice bias, const TensorRef& out,
                                    const ConvEpilogue& epilogue) {
  variantOf(plan);  // throws for a plan without matrices
  const int across = plan.across(out.height, out.width);
  const int tiles = plan.tiles(out.height, out.width);
  requireShape(products, plan.alpha() * out.channels, across, tiles, out.batch, "products");
  const TensorRef* residual = epilogue.residual;
  if (products.precision != out.precision || products.elementOffset % 4 != 0 ||
      (residual && residual->precision != out.precision)) {
    throw Error("winograd: products, output and residual must have one precision");
  }
  vk::Dispatch d = transformDispatch(kernels, "winograd_output", out.precision, plan, across, tiles,
                                     out.batch, out.channels, 4, sizeof(OutputPush), 4);
  d.buffers = {texelSlice(products, 4, device, "winograd"), bias, out.slice,
               residual ? residual->slice : out.slice};
  d.setPush(OutputPush{out.batch, out.channels, out.height, out.width, products.elementOffset,
                       out.elementOffset, residual ? residual->elementOffset : 0,
                       epilogueFlags(epilogue), epilogue.residualScale});
  return d;
}

}  // namespace vkc::ops
