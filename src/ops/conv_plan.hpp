#pragma once
// The route of one direct convolution, decided in one place: planConv, a pure function of the
// layer's shape, the device's limits and policy and the start mode, which conv2dDispatch follows
// and graph::Program asks for the split-K workspace. (Whether a layer runs through Winograd
// instead is decided before, when the graph is lowered: graph::winogradLimitsFor and
// ops::winogradPlanFor / winogradPays.)
#include <cstdint>
#include <vector>

#include "ops/precision.hpp"
#include "tuning.hpp"
#include "vk/device_info.hpp"
#include "vk/device_policy.hpp"

namespace vkc::ops {

struct ConvGeometry {
  int kernelH = 1, kernelW = 1;
  int strideH = 1, strideW = 1;
  int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
};

// What the plan reads of a convolution: its tensors' shapes and geometry. vec4Aligned: the
// input, output and residual bindings start on a multiple of 4 elements (conv1x1.comp's vec4
// reads; padded planes and aligned roots always give it).
struct ConvShape {
  int batch = 1, inC = 1, inH = 1, inW = 1;
  int outC = 1, outH = 1, outW = 1;
  ConvGeometry geometry;
  bool vec4Aligned = true;
  Precision precision = Precision::Fp32;  // which builds the self-test's verdicts concern
  // As an implicit GEMM: M output channels, N output pixels of the batch, K products per output.
  int64_t gemmM() const { return outC; }
  int64_t gemmN() const { return int64_t(batch) * outH * outW; }
  int64_t gemmK() const { return int64_t(inC) * geometry.kernelH * geometry.kernelW; }
};

// A workgroup's tile of shaders/conv2d_igemm.comp: BM output channels x BN output pixels, K in
// steps of BK staged in shared memory, each of (BM / TM) x (BN / TN) invocations holding TM x TN
// sums. The shader's index mapping needs BM a multiple of 32 (a block of the weight packing),
// TM and TN multiples of 4 (its vec4 operands), and the invocations a multiple of BN and a
// divisor of BK x BN (each loads whole rows of one B column) (igemmTileValid).
struct IgemmTile {
  int bm = 0, bn = 0, bk = 0, tm = 0, tn = 0;
  int threads() const { return (bm / tm) * (bn / tn); }
  // Two stages of A (BK x (BM + 4)) and B (BK x (BN + 4)) fp32 tiles: each row padded by a
  // vec4 against bank conflicts. fp16 tensors are widened into the same fp32 tiles.
  uint32_t sharedBytes() const { return 2u * bk * ((bm + 4) + (bn + 4)) * 4u; }
};
bool igemmTileValid(const IgemmTile& t);
// The tiles the plan chooses from, largest first (each valid).
const std::vector<IgemmTile>& igemmTiles();
// The tiles of igemmTiles() within the device's limits: shared memory, invocations per
// workgroup and workgroup width. The smallest (32 x 32, 64 invocations, 4.5 KiB) fits every
// Vulkan device.
std::vector<IgemmTile> igemmTilesFor(const vk::DeviceInfo& device);

// An invocation's tile of shaders/conv2d_regtile.comp: TM output channels x TN output pixels of
// sums in registers, in workgroups of `threads` invocations along N. TM divides 32 (a block of
// the weight packing) and is a multiple of 4 (its vec4 weights) (regtileTileValid).
struct RegtileTile {
  int tm = 0, tn = 0, threads = 0;
  int accumulators() const { return tm * tn; }
};
bool regtileTileValid(const RegtileTile& t);
// The invocation tiles (TM x TN, threads 0) a device class may take, most accumulators first,
// each valid: Adreno up to 64 (8 x 8), Mali and Apple 32, PowerVR and V3D 16 (4 x 4: their
// register files per thread are the smallest), every other class 32. Not tuned on any GPU.
std::vector<RegtileTile> regtileTiles(vk::DeviceClass c);

enum class ConvRoute {
  Linear,     // linear.comp: long fully connected layers, their sums in blocks (every family)
  Pointwise,  // conv1x1.comp: 1x1 stride 1 unpadded (Blocked)
  Segments,   // conv2d_segments.comp: the other shapes (Blocked; also the at-once start's 1x7
              // and 7x1 where ConvTiling::sevenTapSegments)
  AtOnce,     // conv2d_at_once.comp: the at-once start (ConvTiling::at-once)
  Igemm,      // conv2d_igemm.comp, and conv2d_igemm_reduce.comp after it where K is split
  Regtile,    // conv2d_regtile.comp: register tiles, no shared memory
};
const char* convRouteName(ConvRoute r);

// How the plan reads the start mode: ConvTiling::at-once and sevenTapSegments (ops/conv2d.hpp).
struct ConvStart {
  bool atOnce = false;
  bool sevenTapSegments = false;
};

struct ConvPlan {
  ConvRoute route = ConvRoute::Segments;
  IgemmTile tile;       // Igemm
  RegtileTile regtile;  // Regtile
  // Igemm: K split into `splitK` slices of `sliceK` (a multiple of tile.bk) products, each slice
  // a workgroup's partial sums in an fp32 workspace, added in slice order by the reduce shader,
  // which applies the epilogue (deterministic: no atomics). 1: no split, no workspace.
  int splitK = 1;
  int sliceK = 0;
  uint64_t workspaceBytes = 0;  // splitK x M x N floats where splitK > 1
};

// Blocked: the register-blocked kernels (Linear, Pointwise, Segments; At-once for the at-once
// start). Igemm (policy.convKernel): every layer but the long fully connected ones (Linear)
// and the at-once start's, on the largest tile of igemmTilesFor that gives at least two tiles
// per shader core; where none does, the smallest tile with K split into enough slices to reach
// that (at most 8, each at least 8 steps of BK, the workspace within maxStorageBufferRange), or
// policy.convSplitK slices (tests; as many as K has steps of BK at most). A device whose driver
// cannot alias bindings (policy.storageReadPath false) keeps Blocked: the shader reads the bias
// through the weights' binding.
// Regtile (policy.convKernel): the same layers as Igemm, on the first tile of
// regtileTiles(policy.deviceClass) that gives at least two workgroups per shader core (else the
// last), in workgroups of policy.convWorkgroupWidth invocations within the device's limits. It
// reads through the policy's read path (ops::readPathFor) and aliases a binding only on the
// storage path, which a driver that cannot alias never takes: every driver may run it.
// Where the self-test failed every build of the chosen route on this device
// (DevicePolicy::verdicts), the plan takes the next family with a correct one: regtile, then the
// register blocks (conv1x1, then line segments), then the implicit GEMM (split K only where its
// reduce is correct); where none is left, the chosen route, whose dispatch then throws naming the
// failed builds.
ConvPlan planConv(const ConvShape& shape, const vk::DeviceInfo& device,
                  const vk::DevicePolicy& policy, const ConvStart& start = {});

}  // namespace vkc::ops
