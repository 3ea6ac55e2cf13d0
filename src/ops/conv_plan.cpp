#include "ops/conv_plan.hpp"

#include <algorithm>
#include <optional>

#include "ops/conv2d.hpp"
#include "ops/tensor_ref.hpp"
#include "tuning.hpp"

namespace vkc::ops {
namespace {

// 1x1, stride 1, no padding: a GEMM over the pixels as they lie.
bool pointwise(const ConvGeometry& g) {
  const bool padded = g.padTop || g.padBottom || g.padLeft || g.padRight;
  return g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1 && !padded;
}

bool longFullyConnected(const ConvShape& s) {
  return pointwise(s.geometry) && s.inH == 1 && s.inW == 1 && s.inC >= tuning::kLongSum;
}

int64_t tileCount(const ConvShape& s, const IgemmTile& t) {
  return (s.gemmM() + t.bm - 1) / t.bm * ((s.gemmN() + t.bn - 1) / t.bn);
}

ConvPlan blockedPlan(const ConvShape& s, const ConvStart& start) {
  ConvPlan plan;
  if (longFullyConnected(s)) {
    plan.route = ConvRoute::Linear;
  } else if (pointwise(s.geometry) && s.vec4Aligned) {
    plan.route = ConvRoute::Pointwise;
  } else if (start.atOnce && !(start.sevenTapSegments && factorizedSevenTap(s.geometry))) {
    plan.route = ConvRoute::AtOnce;
  } else {
    plan.route = ConvRoute::Segments;
  }
  return plan;
}

// K split into `slices` (or fewer: no slice is left empty) of whole steps of BK.
void splitK(ConvPlan& plan, const ConvShape& s, int slices) {
  const int64_t steps = (s.gemmK() + plan.tile.bk - 1) / plan.tile.bk;
  const int64_t sliceSteps = (steps + slices - 1) / std::max(slices, 1);
  plan.splitK = int((steps + sliceSteps - 1) / sliceSteps);
  plan.sliceK = int(sliceSteps * plan.tile.bk);
  plan.workspaceBytes =
      plan.splitK > 1 ? uint64_t(plan.splitK) * s.gemmM() * s.gemmN() * sizeof(float) : 0;
}

// The first tile of the class's list with at least two workgroups per shader core, else the
// last (the fewest accumulators, the most invocations).
ConvPlan regtilePlan(const ConvShape& s, const vk::DeviceInfo& device,
                     const vk::DevicePolicy& policy) {
  ConvPlan plan;
  plan.route = ConvRoute::Regtile;
  const uint32_t threads =
      std::max<uint32_t>(std::min({policy.convWorkgroupWidth, device.maxWorkgroupInvocations,
                                   device.maxWorkgroupSize[0]}),
                         1);
  const int64_t cores = device.shaderCores > 0 ? device.shaderCores : tuning::kDefaultShaderCores;
  const std::vector<RegtileTile> tiles = regtileTiles(policy.deviceClass);
  for (const RegtileTile& t : tiles) {
    plan.regtile = {t.tm, t.tn, int(threads)};
    const int64_t groups = (s.gemmN() + int64_t(threads) * t.tn - 1) / (int64_t(threads) * t.tn) *
                           ((s.gemmM() + t.tm - 1) / t.tm);
    if (groups >= 2 * cores) break;
  }
  return plan;
}

}  // namespace

bool igemmTileValid(const IgemmTile& t) {
  if (t.bm <= 0 || t.bn <= 0 || t.bk <= 0 || t.tm <= 0 || t.tn <= 0) return false;
  if (t.bm % 32 != 0 || t.tm % 4 != 0 || t.tn % 4 != 0) return false;
  if (t.bm % t.tm != 0 || t.bn % t.tn != 0) return false;
  const int threads = t.threads();
  return threads % t.bn == 0 && (t.bk * t.bn) % threads == 0;
}

const std::vector<IgemmTile>& igemmTiles() {
  // BM x BN x BK, TM x TN: 256 invocations of 64 and 32 sums, then 128 (the Vulkan minimum
  // workgroup) of 32 and 16, then 64 of 16 for the smallest layers.
  static const std::vector<IgemmTile> tiles = {
      {128, 128, 8, 8, 8},  // 256 invocations, 16.5 KiB
      {64, 128, 8, 8, 4},   // 256, 12.5 KiB
      {64, 64, 8, 8, 4},    // 128, 8.5 KiB
      {64, 32, 8, 4, 4},    // 128, 6.5 KiB
      {32, 32, 8, 4, 4},    // 64, 4.5 KiB
  };
  return tiles;
}

bool regtileTileValid(const RegtileTile& t) {
  return t.tm >= 4 && t.tm % 4 == 0 && 32 % t.tm == 0 && t.tn >= 1;
}

std::vector<RegtileTile> regtileTiles(vk::DeviceClass c) {
  switch (c) {
    case vk::DeviceClass::QualcommAdreno:
      return {{8, 8}, {8, 4}, {4, 4}};
    case vk::DeviceClass::ImgPowerVR:
    case vk::DeviceClass::BroadcomV3D:
      return {{4, 4}};
    default:
      return {{8, 4}, {4, 4}};
  }
}

std::vector<IgemmTile> igemmTilesFor(const vk::DeviceInfo& device) {
  std::vector<IgemmTile> fit;
  for (const IgemmTile& t : igemmTiles()) {
    const uint32_t threads = uint32_t(t.threads());
    if (t.sharedBytes() <= device.maxSharedMemoryBytes &&
        threads <= device.maxWorkgroupInvocations && threads <= device.maxWorkgroupSize[0]) {
      fit.push_back(t);
    }
  }
  return fit;
}

const char* convRouteName(ConvRoute r) {
  switch (r) {
    case ConvRoute::Linear:
      return "linear";
    case ConvRoute::Pointwise:
      return "conv1x1";
    case ConvRoute::Segments:
      return "segments";
    case ConvRoute::AtOnce:
      return "at-once";
    case ConvRoute::Igemm:
      return "igemm";
    case ConvRoute::Regtile:
      return "regtile";
  }
  return "unknown";
}

namespace {

// The implicit GEMM's plan, or none where the device has no tile for it or cannot alias the
// bias through the weights' binding. `splitAllowed`: K may be split (its reduce is correct).
std::optional<ConvPlan> igemmPlan(const ConvShape& s, const vk::DeviceInfo& device,
                                  const vk::DevicePolicy& policy, bool splitAllowed) {
  const std::vector<IgemmTile> tiles = igemmTilesFor(device);
  if (!policy.storageReadPath || tiles.empty()) return std::nullopt;
  ConvPlan plan;
  plan.route = ConvRoute::Igemm;
  const int64_t cores = device.shaderCores > 0 ? device.shaderCores : tuning::kDefaultShaderCores;
  const int64_t wanted = 2 * cores;
  auto enough = std::find_if(tiles.begin(), tiles.end(),
                             [&](const IgemmTile& t) { return tileCount(s, t) >= wanted; });
  plan.tile = enough != tiles.end() ? *enough : tiles.back();
  const int64_t steps = (s.gemmK() + plan.tile.bk - 1) / plan.tile.bk;
  int slices = 1;
  if (policy.convSplitK > 0) {
    slices = int(std::min<int64_t>(policy.convSplitK, steps));
  } else if (enough == tiles.end()) {
    const int64_t count = tileCount(s, plan.tile);
    slices = int(std::clamp<int64_t>((wanted + count - 1) / count, 1, tuning::kMaxSplitK));
    slices = int(std::min<int64_t>(slices, std::max<int64_t>(steps / tuning::kMinSliceSteps, 1)));
  }
  if (!splitAllowed) slices = 1;
  // The workspace is one binding.
  const uint64_t sliceBytes = std::max<uint64_t>(uint64_t(s.gemmM()) * s.gemmN() * 4, 1);
  const uint64_t fit = std::max<uint64_t>(device.maxStorageBufferRange / sliceBytes, 1);
  slices = int(std::min<uint64_t>(slices, fit));
  splitK(plan, s, slices);
  return plan;
}

// Whether some build of the route's shader is correct here (not failed by the self-test).
bool routeUsable(ConvRoute route, Precision p, const vk::DevicePolicy& policy) {
  const char* shader = nullptr;
  switch (route) {
    case ConvRoute::Linear:
      shader = "linear";
      break;
    case ConvRoute::Pointwise:
      shader = "conv1x1";
      break;
    case ConvRoute::Segments:
      shader = "conv2d_segments";
      break;
    case ConvRoute::AtOnce:
      shader = "conv2d_at_once";
      break;
    case ConvRoute::Regtile:
      shader = "conv2d_regtile";
      break;
    case ConvRoute::Igemm:
      return buildUsable(policy, "conv2d_igemm", p);
  }
  return anyBuildUsable(policy, shader, p);
}

// The plan of the policy's family, as if every build were correct.
ConvPlan familyPlan(const ConvShape& s, const vk::DeviceInfo& device,
                    const vk::DevicePolicy& policy, const ConvStart& start, bool splitAllowed) {
  if (start.atOnce || longFullyConnected(s)) return blockedPlan(s, start);
  if (policy.convKernel == vk::ConvKernel::Regtile) return regtilePlan(s, device, policy);
  if (policy.convKernel == vk::ConvKernel::Igemm) {
    if (auto plan = igemmPlan(s, device, policy, splitAllowed)) return *plan;
  }
  return blockedPlan(s, start);
}

}  // namespace

ConvPlan planConv(const ConvShape& s, const vk::DeviceInfo& device, const vk::DevicePolicy& policy,
                  const ConvStart& start) {
  const bool splitAllowed = buildUsable(policy, "conv2d_igemm_reduce", s.precision);
  const ConvPlan chosen = familyPlan(s, device, policy, start, splitAllowed);
  if (routeUsable(chosen.route, s.precision, policy)) return chosen;
  ConvPlan segments;
  segments.route = ConvRoute::Segments;
  std::vector<ConvPlan> fallbacks = {regtilePlan(s, device, policy), blockedPlan(s, {}), segments};
  if (auto igemm = igemmPlan(s, device, policy, splitAllowed)) fallbacks.push_back(*igemm);
  for (const ConvPlan& plan : fallbacks) {
    if (plan.route != chosen.route && routeUsable(plan.route, s.precision, policy)) return plan;
  }
  return chosen;
}

}  // namespace vkc::ops
