#include "ops/winograd.hpp"

#include <algorithm>

#include "ops/winograd_matrices.hpp"
#include "tuning.hpp"
#include "vkception/error.hpp"

namespace vkc::ops {
namespace {

// Transform workgroups: 8 pixel quads x 8 channels (shaders/winograd_input.comp).
constexpr uint32_t kQuadsPerGroup = 8, kChannelsPerGroup = 8;

// One axis's F(m, r); the axis of a one-tap kernel is the identity F(1, 1).
struct Variant {
  int tile, taps;
  const double *g, *bt, *at;  // alpha x taps, alpha x alpha, tile x alpha; row-major
};
constexpr double kOne[] = {1.0};
constexpr Variant kIdentity{1, 1, kOne, kOne, kOne};
constexpr Variant kVariants[] = {
    {4, 3, winograd_matrices::G_F4_3, winograd_matrices::BT_F4_3, winograd_matrices::AT_F4_3},
    {6, 3, winograd_matrices::G_F6_3, winograd_matrices::BT_F6_3, winograd_matrices::AT_F6_3},
    {4, 7, winograd_matrices::G_F4_7, winograd_matrices::BT_F4_7, winograd_matrices::AT_F4_7},
    {6, 7, winograd_matrices::G_F6_7, winograd_matrices::BT_F6_7, winograd_matrices::AT_F6_7}};

const Variant& variantOf(int tile, int taps) {
  if (tile == 1 && taps == 1) return kIdentity;
  for (const Variant& v : kVariants) {
    if (v.tile == tile && v.taps == taps) return v;
  }
  throw Error("winograd: no F(" + std::to_string(tile) + "," + std::to_string(taps) + ") variant");
}

// The variants an axis of `taps` taps may use.
std::vector<const Variant*> variantsFor(int taps) {
  if (taps == 1) return {&kIdentity};
  std::vector<const Variant*> found;
  for (const Variant& v : kVariants) {
    if (v.taps == taps) found.push_back(&v);
  }
  return found;
}

// shaders/winograd_tiles.glsl's TileGrid.
struct TileGridPush {
  uint32_t tilesH, tilesW;
  DivisionMagic perImage, perRow;
};

TileGridPush tileGrid(const WinogradPlan& plan, int outH, int outW) {
  const uint32_t tilesH = plan.tilesH(outH), tilesW = plan.tilesW(outW);
  return {tilesH, tilesW, divisionMagic(tilesH * tilesW), divisionMagic(tilesW)};
}

struct InputPush {
  int batch, inC, inH, inW;
  int padTop, padLeft;
  int inOffset, outOffset;
  TileGridPush grid;
};

struct OutputPush {
  int batch, outC, outH, outW;
  int productsOffset, outOffset;
  TileGridPush grid;
  EpiloguePush epilogue;
};

// A transform shader's pipeline (spec constants 3..6, shaders/winograd_tiles.glsl: the plan; one
// pipeline for every size) and its grid of 8 quads x 8 channels per workgroup; binding 0 is a
// texel buffer of `components` elements per texel.
vk::Dispatch transformDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                               const char* shader, Precision precision, const WinogradPlan& plan,
                               int outH, int outW, int batch, int channels, uint32_t bindings,
                               uint32_t pushBytes, const vk::BufferSlice& read, int components) {
  const ReadView view{read.range, components, precision};
  const ReadPath reads = readPathFor(kernels, device, {view}, shader);
  variantOf(plan.tileH, plan.tapsH);  // throws for a plan without matrices
  variantOf(plan.tileW, plan.tapsW);
  const int tilesH = plan.tilesH(outH), tilesW = plan.tilesW(outW);
  vk::Dispatch d;
  d.kernel = &kernels.get(
      {shaderFor(shader, precision, reads),
       {kQuadsPerGroup, kChannelsPerGroup, 1},
       {uint32_t(plan.tileH), uint32_t(plan.tileW), uint32_t(plan.tapsH), uint32_t(plan.tapsW)},
       bindings,
       pushBytes,
       readFormats(reads, {view}),
       texelDescriptorType(reads)});
  d.groups = vk::foldedGroups(vk::divUp(planeElements(batch, tilesH, tilesW) / 4, kQuadsPerGroup),
                              vk::divUp(channels, kChannelsPerGroup), 1, *d.kernel, 2);
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

std::string WinogradPlan::name() const {
  if (tapsH == 1) return "F(" + std::to_string(tileW) + "," + std::to_string(tapsW) + ")";
  if (tapsW == 1) return "F(" + std::to_string(tileH) + "," + std::to_string(tapsH) + ")";
  return "F(" + std::to_string(tileH) + "x" + std::to_string(tileW) + "," + std::to_string(tapsH) +
         "x" + std::to_string(tapsW) + ")";
}

int winogradLiveFloats(const WinogradPlan& plan) {
  const int input = 2 * plan.alphaH() * plan.alphaW() * 4;
  const int output = (plan.alphaH() * plan.tileW + plan.tileH * plan.tileW) * 4;
  return std::max(input, output);
}

WinogradPlan winogradPlanFor(const ConvGeometry& g, int outH, int outW,
                             const WinogradLimits& limits) {
  if (g.strideH != 1 || g.strideW != 1 || g.kernelH * g.kernelW == 1) return {};
  if (limits.oneAxisSmallTiles && g.kernelH > 1 && g.kernelW > 1) return {};
  WinogradPlan best;
  long bestProducts = 0;
  for (const Variant* h : variantsFor(g.kernelH)) {
    for (const Variant* w : variantsFor(g.kernelW)) {
      const WinogradPlan plan{h->tile, w->tile, h->taps, w->taps};
      if (plan.tilesH(outH) * plan.tilesW(outW) < tuning::kWinogradMinPlanePixels) continue;
      if (limits.maxLiveFloats > 0 && winogradLiveFloats(plan) > limits.maxLiveFloats) continue;
      if (limits.oneAxisSmallTiles && std::max(plan.tileH, plan.tileW) > 4) continue;
      const long products = long(plan.points()) * plan.tilesH(outH) * plan.tilesW(outW);
      if (!best.enabled() || products < bestProducts) {
        best = plan;
        bestProducts = products;
      }
    }
  }
  if (!best.enabled() || 4 * bestProducts >= 3L * g.kernelH * g.kernelW * outH * outW) return {};
  return best;
}

bool winogradPays(const WinogradPlan& plan, int inC, int outC, int outH, int outW) {
  return plan.enabled() && std::min(inC, outC) >= tuning::kWinogradMinChannels &&
         long(plan.tilesH(outH)) * plan.tilesW(outW) * inC * outC >=
             tuning::kWinogradMinProductsPerPoint;
}

size_t packedWinogradWeightCount(int outC, int inC, const WinogradPlan& plan) {
  return plan.points() * packedConvWeightCount(outC, inC, 1, 1);
}

void packWinogradWeightsInto(const std::vector<float>& weights, int outC, int inC,
                             const WinogradPlan& plan, float* out) {
  const Variant& vh = variantOf(plan.tileH, plan.tapsH);
  const Variant& vw = variantOf(plan.tileW, plan.tapsW);
  const int kh = plan.tapsH, kw = plan.tapsW, alphaW = plan.alphaW();
  if (weights.size() != size_t(outC) * inC * kh * kw) {
    throw Error("winograd: weight count does not match the kernel");
  }
  // All of a channel pair's points at once, so that the weights are read once, front to back,
  // straight into `out`: no pass per point, no intermediate copy.
  const size_t group = packedConvWeightCount(outC, inC, 1, 1);  // floats per point
  const int paddedOutC = (outC + kChannelBlock - 1) / kChannelBlock * kChannelBlock;
  for (int oc = 0; oc < paddedOutC; ++oc) {
    float* lane = out + size_t(oc / kChannelBlock) * inC * kChannelBlock + oc % kChannelBlock;
    for (int ic = 0; ic < inC; ++ic, lane += kChannelBlock) {
      const float* w = oc < outC ? &weights[(size_t(oc) * inC + ic) * kh * kw] : nullptr;
      for (int p = 0; p < plan.points(); ++p) {
        const double* gh = vh.g + (p / alphaW) * kh;
        const double* gw = vw.g + (p % alphaW) * kw;
        double sum = 0;
        for (int y = 0; w && y < kh; ++y)
          for (int x = 0; x < kw; ++x)
            sum += gh[y] * gw[x] * w[y * kw + x];
        lane[p * group] = static_cast<float>(sum);
      }
    }
  }
}

std::vector<float> packWinogradWeights(const std::vector<float>& weights, int outC, int inC,
                                       const WinogradPlan& plan) {
  std::vector<float> packed(packedWinogradWeightCount(outC, inC, plan));
  packWinogradWeightsInto(weights, outC, inC, plan, packed.data());
  return packed;
}

DivisionMagic divisionMagic(uint32_t d) {
  if (d == 0 || d >= (1u << 31)) throw Error("divisionMagic: divisor out of range");
  if (d == 1) return {};
  uint32_t l = 0;  // ceil(log2(d)): 2^(l-1) < d <= 2^l, so the magic fits 32 bits
  while ((uint64_t{1} << l) < d)
    ++l;
  const uint64_t magic = ((uint64_t{1} << (31 + l)) + d - 1) / d;  // ceil(2^(31+l) / d)
  return {static_cast<uint32_t>(magic), l - 1};
}

uint32_t divideByMagic(uint32_t n, DivisionMagic m) {
  if (m.magic == 0) return n;
  return static_cast<uint32_t>((uint64_t{n} * m.magic) >> 32) >> m.shift;
}

vk::Dispatch winogradInputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                   const TensorRef& in, const ConvGeometry& g,
                                   const WinogradPlan& plan, const TensorRef& transformed) {
  const int outH = convOutputSize(in.height, g.kernelH, 1, g.padTop, g.padBottom);
  const int outW = convOutputSize(in.width, g.kernelW, 1, g.padLeft, g.padRight);
  requireShape(transformed, plan.points() * in.channels, plan.tilesH(outH), plan.tilesW(outW),
               in.batch, "transformed input");
  if (transformed.precision != in.precision || transformed.elementOffset % 4 != 0) {
    throw Error("winograd: the transformed input must match the input's precision and vec4s");
  }
  const vk::BufferSlice x = readSlice(in, 1);
  vk::Dispatch d = transformDispatch(kernels, device, "winograd_input", in.precision, plan, outH,
                                     outW, in.batch, in.channels, 2, sizeof(InputPush), x, 1);
  d.buffers = {x, transformed.slice};
  d.setPush(InputPush{in.batch, in.channels, in.height, in.width, g.padTop, g.padLeft,
                      in.elementOffset, transformed.elementOffset, tileGrid(plan, outH, outW)});
  return d;
}

vk::Dispatch winogradOutputDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                                    const TensorRef& products, const WinogradPlan& plan,
                                    vk::BufferSlice bias, const TensorRef& out,
                                    const ConvEpilogue& epilogue) {
  requireShape(products, plan.points() * out.channels, plan.tilesH(out.height),
               plan.tilesW(out.width), out.batch, "products");
  const TensorRef* residual = epilogue.residual;
  if (products.precision != out.precision || products.elementOffset % 4 != 0 ||
      (residual && residual->precision != out.precision)) {
    throw Error("winograd: products, output and residual must have one precision");
  }
  const vk::BufferSlice m = readSlice(products, 4);
  vk::Dispatch d =
      transformDispatch(kernels, device, "winograd_output", out.precision, plan, out.height,
                        out.width, out.batch, out.channels, 4, sizeof(OutputPush), m, 4);
  d.buffers = {m, bias, out.slice, residual ? residual->slice : out.slice};
  d.setPush(OutputPush{out.batch, out.channels, out.height, out.width, products.elementOffset,
                       out.elementOffset, tileGrid(plan, out.height, out.width),
                       epiloguePush(epilogue, true)});
  return d;
}

}  // namespace vkc::ops
