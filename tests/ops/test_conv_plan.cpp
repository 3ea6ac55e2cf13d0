// The convolution plan (ops/conv_plan.hpp) on devices described by hand, no device needed: the
// family each class runs, the implicit GEMM's tile per Inception layer within each device's
// limits, the split of K where tiles are too few, and the shared memory its shader declares;
// the register-tiled family's tile per mobile class and layer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "ops/conv2d.hpp"
#include "tuning.hpp"
#include "vk/device_policy.hpp"
#include "vk/device_profiles.hpp"
#include "vk/shader_registry.hpp"
#include "vk/spirv_shared_memory.hpp"
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

// The policy of `d` as the device's own (policyFor reads no environment).
vk::DevicePolicy defaultPolicy(const vk::DeviceInfo& d) {
  return vk::policyFor(d);
}

vk::DeviceInfo device(const char* name, uint32_t vendor, const char* type, uint32_t subgroup,
                      uint32_t sharedBytes, uint32_t invocations, uint32_t cores) {
  vk::DeviceInfo d;
  d.name = name;
  d.vendorId = vendor;
  d.type = type;
  d.subgroupSize = subgroup;
  d.maxSharedMemoryBytes = sharedBytes;
  d.maxWorkgroupInvocations = invocations;
  d.maxWorkgroupSize[0] = d.maxWorkgroupSize[1] = invocations;
  d.maxWorkgroupSize[2] = 64;
  d.maxStorageBufferRange = uint64_t{1} << 32;
  d.shaderCores = cores;
  return d;
}

// Every class: NVIDIA (H100, 132 SMs through VK_NV_shader_sm_builtins), AMD (RDNA2, 40 CUs),
// an Intel iGPU (no core count), lavapipe, the Vulkan 1.1 minimum, and the emulated mobile GPUs.
std::vector<vk::DeviceInfo> devices() {
  std::vector<vk::DeviceInfo> all = {
      device("nvidia", 0x10DE, "discrete", 32, 49152, 1024, 132),
      device("amd", 0x1002, "discrete", 64, 65536, 1024, 40),
      device("intel", 0x8086, "integrated", 32, 65536, 1024, 0),
      device("lavapipe", 0x10005, "cpu", 8, 32768, 1024, 0),
  };
  vk::DeviceInfo minimum = all.back();
  vk::clampToVulkan11Minimum(minimum);
  minimum.name = "minimum";
  all.push_back(minimum);
  for (const vk::DeviceProfile& profile : vk::deviceProfiles()) {
    vk::DeviceInfo emulated = all[3];
    vk::applyDeviceProfile(emulated, profile);
    emulated.name = profile.name;
    all.push_back(emulated);
  }
  return all;
}

struct Layer {
  const char* name;
  int inC, in, outC, kh, kw, stride;
  bool same;
};
// The Inception layers of every kind (Inception-v4 at 299x299, and its classifier).
const Layer kLayers[] = {
    {"stem_3x3_s2_3_to_32", 3, 299, 32, 3, 3, 2, false},
    {"stem_3x3_32_to_64_147", 32, 147, 64, 3, 3, 1, true},
    {"mixed4a_1x7_64_73", 64, 73, 64, 1, 7, 1, true},
    {"a_1x1_384_to_96_35", 384, 35, 96, 1, 1, 1, false},
    {"a_3x3_64_to_96_35", 64, 35, 96, 3, 3, 1, true},
    {"reduction_a_3x3_s2_384_35", 384, 35, 384, 3, 3, 2, false},
    {"b_1x1_1024_to_384_17", 1024, 17, 384, 1, 1, 1, false},
    {"b_1x7_192_to_224_17", 192, 17, 224, 1, 7, 1, true},
    {"b_7x1_224_to_256_17", 224, 17, 256, 7, 1, 1, true},
    {"c_1x1_1536_to_384_8", 1536, 8, 384, 1, 1, 1, false},
    {"c_1x3_384_to_256_8", 384, 8, 256, 1, 3, 1, true},
    {"classifier_1536_to_1000", 1536, 1, 1000, 1, 1, 1, false},
};

ops::ConvShape shapeOf(const Layer& l, int batch) {
  ops::ConvShape s;
  s.batch = batch;
  s.inC = l.inC;
  s.inH = s.inW = l.in;
  s.outC = l.outC;
  s.geometry = l.same ? ops::sameGeometry(l.kh, l.kw, l.stride, l.in, l.in)
                      : ops::validGeometry(l.kh, l.kw, l.stride);
  s.outH = ops::convOutputSize(l.in, l.kh, l.stride, s.geometry.padTop, s.geometry.padBottom);
  s.outW = ops::convOutputSize(l.in, l.kw, l.stride, s.geometry.padLeft, s.geometry.padRight);
  return s;
}

// Desktop GPUs run the implicit GEMM, the emulated mobile GPUs (every profile) the register
// tiles, lavapipe and the bare Vulkan 1.1 minimum (a CPU driver) the register blocks.
TEST(ConvPlan, EachClassRunsItsFamily) {
  for (const vk::DeviceInfo& d : devices()) {
    const std::string name = d.name;
    const bool desktop = name == "nvidia" || name == "amd" || name == "intel";
    const bool cpu = name == "lavapipe" || name == "minimum";
    EXPECT_EQ(defaultPolicy(d).convKernel, desktop ? vk::ConvKernel::Igemm
                                           : cpu   ? vk::ConvKernel::Blocked
                                                   : vk::ConvKernel::Regtile)
        << name;
  }
  EXPECT_EQ(vk::convKernelNamed("regtile"), vk::ConvKernel::Regtile);
  EXPECT_STREQ(vk::convKernelName(vk::ConvKernel::Regtile), "regtile");
  vk::PolicyOverrides forced;
  forced.convKernel = vk::ConvKernel::Igemm;
  EXPECT_EQ(vk::policyFor(devices()[3], forced).convKernel, vk::ConvKernel::Igemm);
  forced.convKernel = vk::ConvKernel::Blocked;
  EXPECT_EQ(vk::policyFor(devices()[0], forced).convKernel, vk::ConvKernel::Blocked);
  EXPECT_THROW(vk::convKernelNamed("no_such_family"), Error);
}

// Forced onto every device, the implicit GEMM fits each one's limits, meets the two tiles per
// core where any tile does, and otherwise splits K into whole steps of slices that cover it.
TEST(ConvPlan, TilesFitEveryDeviceAndSplitKWhereTilesAreFew) {
  for (const vk::DeviceInfo& d : devices()) {
    vk::DevicePolicy policy = defaultPolicy(d);
    policy.convKernel = vk::ConvKernel::Igemm;
    const int64_t wanted = 2 * (d.shaderCores ? d.shaderCores : tuning::kDefaultShaderCores);
    for (const Layer& l : kLayers) {
      for (int batch : {1, 8, 32}) {
        const ops::ConvShape s = shapeOf(l, batch);
        const ops::ConvPlan plan = ops::planConv(s, d, policy);
        const std::string what =
            std::string(d.name) + " " + l.name + " batch " + std::to_string(batch);
        if (l.in == 1) {  // long fully connected: blocked sums in every family
          EXPECT_EQ(plan.route, ops::ConvRoute::Linear) << what;
          continue;
        }
        if (!policy.storageReadPath) {  // MoltenVK: no aliased bindings, so no igemm
          EXPECT_NE(plan.route, ops::ConvRoute::Igemm) << what;
          continue;
        }
        ASSERT_EQ(plan.route, ops::ConvRoute::Igemm) << what;
        const ops::IgemmTile& t = plan.tile;
        EXPECT_TRUE(ops::igemmTileValid(t)) << what;
        EXPECT_LE(t.sharedBytes(), d.maxSharedMemoryBytes) << what;
        EXPECT_LE(uint32_t(t.threads()), d.maxWorkgroupInvocations) << what;
        const int64_t tiles = (s.gemmM() + t.bm - 1) / t.bm * ((s.gemmN() + t.bn - 1) / t.bn);
        const ops::IgemmTile smallest = ops::igemmTilesFor(d).back();
        if (tiles < wanted) {
          EXPECT_EQ(t.bm * t.bn, smallest.bm * smallest.bn) << what;
        } else {
          EXPECT_EQ(plan.splitK, 1) << what;
        }
        EXPECT_EQ(plan.sliceK % t.bk, 0) << what;
        EXPECT_GE(int64_t(plan.splitK) * plan.sliceK, s.gemmK()) << what;
        EXPECT_LT(int64_t(plan.splitK - 1) * plan.sliceK, s.gemmK()) << what;
        EXPECT_LE(plan.splitK, 8) << what;
        EXPECT_EQ(plan.workspaceBytes,
                  plan.splitK > 1 ? uint64_t(plan.splitK) * s.gemmM() * s.gemmN() * 4 : 0)
            << what;
      }
    }
  }
}

std::string planName(const ops::ConvPlan& p) {
  if (p.route != ops::ConvRoute::Igemm) return ops::convRouteName(p.route);
  return std::to_string(p.tile.bm) + "x" + std::to_string(p.tile.bn) + "/" +
         std::to_string(p.tile.threads()) + (p.splitK > 1 ? " k/" + std::to_string(p.splitK) : "");
}

// The choices on named devices: the largest tile with at least two per core; the smallest with
// K split where none has (the 17x17 and 8x8 layers at batch 1).
TEST(ConvPlan, ChoosesPerLayerAndDevice) {
  const std::vector<vk::DeviceInfo> all = devices();
  auto plan = [&](int device, int layer, int batch) {
    vk::DevicePolicy policy = defaultPolicy(all[device]);
    policy.convKernel = vk::ConvKernel::Igemm;
    return planName(ops::planConv(shapeOf(kLayers[layer], batch), all[device], policy));
  };
  // NVIDIA, 264 tiles wanted.
  EXPECT_EQ(plan(0, 1, 1), "64x64/128");     // stem: 1 x 338 tiles
  EXPECT_EQ(plan(0, 6, 1), "32x32/64 k/3");  // 12 x 10 tiles
  EXPECT_EQ(plan(0, 6, 32), "64x128/256");   // 6 x 73
  EXPECT_EQ(plan(0, 9, 1), "32x32/64 k/8");  // 12 x 2 tiles: 11 slices wanted, 8 at most
  EXPECT_EQ(plan(0, 9, 32), "64x32/128");    // 6 x 64
  // lavapipe with igemm forced, 32 tiles wanted (16 cores assumed).
  EXPECT_EQ(plan(3, 0, 1), "128x128/256");   // 1 x 174
  EXPECT_EQ(plan(3, 6, 1), "64x32/128");     // 6 x 10
  EXPECT_EQ(plan(3, 9, 1), "32x32/64 k/2");  // 12 x 2: 2 slices of 96 steps
  // The Vulkan 1.1 minimum (16 KiB, 128 invocations): no 256-invocation tile.
  EXPECT_EQ(plan(4, 0, 1), "64x64/128");
  EXPECT_EQ(plan(4, 6, 32), "64x64/128");
}

// The at-once start, the blocked family, long fully connected layers and drivers that cannot
// alias a binding keep the register-blocked kernels.
TEST(ConvPlan, BlockedRoutes) {
  const vk::DeviceInfo nvidia = devices()[0];
  vk::DevicePolicy policy = defaultPolicy(nvidia);
  ASSERT_EQ(policy.convKernel, vk::ConvKernel::Igemm);
  const ops::ConvShape pointwise = shapeOf(kLayers[6], 1), sevenTap = shapeOf(kLayers[7], 1);
  EXPECT_EQ(planName(ops::planConv(pointwise, nvidia, policy, {true, false})), "conv1x1");
  EXPECT_EQ(planName(ops::planConv(sevenTap, nvidia, policy, {true, false})), "at-once");
  EXPECT_EQ(planName(ops::planConv(sevenTap, nvidia, policy, {true, true})), "segments");
  EXPECT_EQ(planName(ops::planConv(shapeOf(kLayers[11], 1), nvidia, policy)), "linear");
  vk::DevicePolicy noAlias = policy;
  noAlias.storageReadPath = false;
  EXPECT_EQ(planName(ops::planConv(sevenTap, nvidia, noAlias)), "segments");
  policy.convKernel = vk::ConvKernel::Blocked;
  EXPECT_EQ(planName(ops::planConv(pointwise, nvidia, policy)), "conv1x1");
  ops::ConvShape unaligned = pointwise;
  unaligned.vec4Aligned = false;
  EXPECT_EQ(planName(ops::planConv(unaligned, nvidia, policy)), "segments");
  // A forced split (tests): as many slices as asked where K has the steps.
  policy.convKernel = vk::ConvKernel::Igemm;
  policy.convSplitK = 3;
  EXPECT_EQ(ops::planConv(shapeOf(kLayers[6], 32), nvidia, policy).splitK, 3);
  // K 27 in 4 steps of 8: 3 slices of 2 steps would leave one empty, so 2.
  EXPECT_EQ(ops::planConv(shapeOf(kLayers[0], 1), nvidia, policy).splitK, 2);
}

// Every tile is valid for the shader, and its shared memory is what conv2d_igemm.comp declares
// under those specialization constants (the figure the kernel cache holds to the device's).
TEST(ConvPlan, TileSharedMemoryMatchesTheShader) {
  const vk::SpirvBinary& spirv = vk::embeddedShaders().at("conv2d_igemm");
  for (const ops::IgemmTile& t : ops::igemmTiles()) {
    EXPECT_TRUE(ops::igemmTileValid(t)) << t.bm << "x" << t.bn;
    const std::vector<uint32_t> spec = {
        uint32_t(t.threads()), 1, 1, uint32_t(t.bm), uint32_t(t.bn), uint32_t(t.bk), uint32_t(t.tm),
        uint32_t(t.tn)};
    EXPECT_EQ(vk::workgroupMemoryBytes(spirv.words, spirv.wordCount, spec), t.sharedBytes())
        << t.bm << "x" << t.bn;
  }
  EXPECT_FALSE(ops::igemmTileValid({48, 32, 8, 4, 4}));  // BM not a multiple of 32
  EXPECT_FALSE(ops::igemmTileValid({32, 32, 8, 2, 4}));  // TM not a multiple of 4
  EXPECT_FALSE(ops::igemmTileValid({32, 64, 8, 8, 8}));  // 32 invocations for 64 columns
}

const vk::DeviceInfo& deviceNamed(const std::vector<vk::DeviceInfo>& all, const std::string& name) {
  for (const vk::DeviceInfo& d : all) {
    if (d.name == name) return d;
  }
  throw Error("no device " + name);
}

// "8x4/16": the register tile (channels x pixels) and the invocations per workgroup; another
// route by its name.
std::string regtileName(const ops::ConvPlan& p) {
  if (p.route != ops::ConvRoute::Regtile) return ops::convRouteName(p.route);
  return std::to_string(p.regtile.tm) + "x" + std::to_string(p.regtile.tn) + "/" +
         std::to_string(p.regtile.threads);
}

// A layer of the bundled model's size (widths / 8): one 1x1 of 64 -> 32 channels at 8x8.
ops::ConvShape smallLayer() {
  ops::ConvShape s;
  s.inC = 64, s.inH = s.inW = 8;
  s.outC = 32, s.outH = s.outW = 8;
  return s;
}

// The mobile classes' default: the register tiles, on their class's largest tile where the
// layer gives at least two workgroups per shader core (16 assumed: 32 workgroups), in
// workgroups of the policy's width (the subgroup within 8..64). Long fully connected layers keep
// linear.comp, the at-once start its kernels.
TEST(ConvPlan, MobileGpusRunTheRegisterTiles) {
  const std::vector<vk::DeviceInfo> all = devices();
  auto plan = [&](const char* device, const ops::ConvShape& s) {
    const vk::DeviceInfo& d = deviceNamed(all, device);
    return regtileName(ops::planConv(s, d, defaultPolicy(d)));
  };
  const ops::ConvShape b1x1 = shapeOf(kLayers[6], 1);  // M 384, N 289
  const ops::ConvShape c1x1 = shapeOf(kLayers[9], 1);  // M 384, N 64
  const ops::ConvShape stem = shapeOf(kLayers[0], 1);  // M 32, N 22201
  const ops::ConvShape fc = shapeOf(kLayers[11], 1);   // 1536 -> 1000 over 1x1
  // Adreno: 64 lanes (128-wide waves), up to 64 accumulators.
  EXPECT_EQ(plan("adreno6xx", b1x1), "8x8/64");          // 1 x 48 workgroups
  EXPECT_EQ(plan("adreno6xx", c1x1), "8x8/64");          // 1 x 48
  EXPECT_EQ(plan("adreno6xx", stem), "8x8/64");          // 44 x 4
  EXPECT_EQ(plan("adreno6xx", smallLayer()), "4x4/64");  // 1 x 4, 1 x 4, then the last: 1 x 8
  // Mali Valhall: 16 lanes, 32 accumulators.
  EXPECT_EQ(plan("mali_valhall", b1x1), "8x4/16");                    // 5 x 48
  EXPECT_EQ(plan("mali_valhall", shapeOf(kLayers[7], 1)), "8x4/16");  // 1x7: 5 x 28
  EXPECT_EQ(plan("mali_valhall", smallLayer()), "4x4/16");            // 1 x 4, then 1 x 8
  // Apple (through MoltenVK, which cannot alias bindings: the texel path needs none): 32 lanes.
  EXPECT_EQ(plan("apple_m1", b1x1), "8x4/32");                    // 3 x 48
  EXPECT_EQ(plan("apple_m1", shapeOf(kLayers[5], 8)), "8x4/32");  // 3x3/2: 19 x 48
  // PowerVR (subgroup 1: 8 lanes) and V3D (16): 16 accumulators only.
  EXPECT_EQ(plan("powervr_rogue", b1x1), "4x4/8");
  EXPECT_EQ(plan("powervr_rogue", stem), "4x4/8");
  EXPECT_EQ(plan("v3d", c1x1), "4x4/16");
  EXPECT_EQ(plan("v3d", shapeOf(kLayers[8], 32)), "4x4/16");  // 7x1 at batch 32
  for (const char* device : {"adreno6xx", "mali_valhall", "apple_m1", "powervr_rogue", "v3d"}) {
    EXPECT_EQ(plan(device, fc), "linear") << device;
    const vk::DeviceInfo& d = deviceNamed(all, device);
    EXPECT_EQ(regtileName(ops::planConv(b1x1, d, defaultPolicy(d), {true, false})), "conv1x1");
    EXPECT_EQ(regtileName(ops::planConv(stem, d, defaultPolicy(d), {true, false})), "at-once");
  }
}

// Forced onto every device, every layer's register tile is one the shader takes (TM a multiple
// of 4 dividing 32), within the class's accumulator budget, in a workgroup within the device's
// limits and the policy's width.
TEST(ConvPlan, RegisterTilesFitEveryDevice) {
  for (const vk::DeviceInfo& d : devices()) {
    vk::DevicePolicy policy = defaultPolicy(d);
    policy.convKernel = vk::ConvKernel::Regtile;
    const int most = policy.deviceClass == vk::DeviceClass::QualcommAdreno ? 64 : 32;
    for (const ops::RegtileTile& t : ops::regtileTiles(policy.deviceClass)) {
      EXPECT_TRUE(ops::regtileTileValid(t)) << d.name << " " << t.tm << "x" << t.tn;
      EXPECT_LE(t.accumulators(), most) << d.name;
      EXPECT_GE(t.accumulators(), 16) << d.name;
    }
    for (const Layer& l : kLayers) {
      for (int batch : {1, 8, 32}) {
        const ops::ConvPlan plan = ops::planConv(shapeOf(l, batch), d, policy);
        const std::string what =
            std::string(d.name) + " " + l.name + " batch " + std::to_string(batch);
        if (l.in == 1) {
          EXPECT_EQ(plan.route, ops::ConvRoute::Linear) << what;
          continue;
        }
        ASSERT_EQ(plan.route, ops::ConvRoute::Regtile) << what;
        EXPECT_TRUE(ops::regtileTileValid(plan.regtile)) << what;
        EXPECT_LE(uint32_t(plan.regtile.threads), d.maxWorkgroupInvocations) << what;
        EXPECT_LE(uint32_t(plan.regtile.threads), policy.convWorkgroupWidth) << what;
        EXPECT_EQ(plan.splitK, 1) << what;
        EXPECT_EQ(plan.workspaceBytes, 0u) << what;
      }
    }
  }
  EXPECT_FALSE(ops::regtileTileValid({12, 4}));  // 12 does not divide a 32-channel block
  EXPECT_FALSE(ops::regtileTileValid({2, 8}));   // not a whole vec4 of channels
}

}  // namespace
}  // namespace vkc::test
