// The device policy and the driver-bug table on devices described by hand (no device needed):
// what each class and each known bug selects.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "ops/winograd.hpp"
#include "support/scoped_env.hpp"
#include "vk/device_policy.hpp"
#include "vk/device_profiles.hpp"
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

vk::DeviceInfo gpu(uint32_t vendor, uint32_t device, uint32_t subgroup, const char* type,
                   uint32_t api = VK_API_VERSION_1_1) {
  vk::DeviceInfo d;
  d.name = "test device";
  d.type = type;
  d.vendorId = vendor;
  d.deviceId = device;
  d.subgroupSize = subgroup;
  d.apiVersion = api;
  d.shaderFloat16 = d.storageBuffer16BitAccess = d.fp16TexelBuffers = true;
  return d;
}

bool hasBug(const vk::DevicePolicy& p, const std::string& id) {
  for (const vk::DriverBug* bug : p.driverBugs) {
    if (bug->id == id) return true;
  }
  return false;
}

TEST(DevicePolicy, CpuDriversGetLargeBlocksAndNoBounds) {
  const vk::DevicePolicy p = vk::policyFor(gpu(0x10005, 0, 8, "cpu"));
  EXPECT_EQ(p.deviceClass, vk::DeviceClass::CpuDriver);
  EXPECT_TRUE(p.largeConvBlocks);
  EXPECT_EQ(p.convWorkgroupWidth, 8u);
  EXPECT_EQ(p.maxWinogradLiveFloats, 0);
  EXPECT_EQ(p.submitBudgetGflop, 0);
  EXPECT_TRUE(p.fp16);
  EXPECT_TRUE(p.driverBugs.empty());
}

// Storage texel buffers only on CPU drivers that have them for all four formats and two per
// stage; GPUs keep uniform texel buffers (their texture-cache path) even where they have them.
TEST(DevicePolicy, StorageTexelReadsOnlyOnCpuDriversThatHaveThem) {
  vk::DeviceInfo cpu = gpu(0x10005, 0, 8, "cpu");
  cpu.storageTexelBuffers = true;
  cpu.maxPerStageStorageImages = 4;
  EXPECT_EQ(vk::policyFor(cpu).texelBinding, vk::TexelBinding::Storage);
  vk::DeviceInfo nvidia = gpu(0x10DE, 0x2335, 32, "discrete");
  nvidia.storageTexelBuffers = true;
  nvidia.maxPerStageStorageImages = 4;
  EXPECT_EQ(vk::policyFor(nvidia).texelBinding, vk::TexelBinding::Uniform);

  vk::DeviceInfo noFormats = cpu;
  noFormats.storageTexelBuffers = false;
  EXPECT_EQ(vk::policyFor(noFormats).texelBinding, vk::TexelBinding::Uniform);
  vk::DeviceInfo oneImage = cpu;
  oneImage.maxPerStageStorageImages = 1;  // a convolution reads two
  EXPECT_EQ(vk::policyFor(oneImage).texelBinding, vk::TexelBinding::Uniform);

  vk::PolicyOverrides uniform;
  uniform.uniformTexelReads = true;
  EXPECT_EQ(vk::policyFor(cpu, uniform).texelBinding, vk::TexelBinding::Uniform);
}

TEST(DevicePolicy, GpusGetSmallBlocksSubgroupWideGroupsAndBounds) {
  const vk::DevicePolicy nvidia = vk::policyFor(gpu(0x10DE, 0x2335, 32, "discrete"));
  EXPECT_EQ(nvidia.deviceClass, vk::DeviceClass::Nvidia);
  EXPECT_FALSE(nvidia.largeConvBlocks);
  EXPECT_EQ(nvidia.convWorkgroupWidth, 32u);
  EXPECT_EQ(nvidia.maxWinogradLiveFloats, 128);
  EXPECT_GT(nvidia.submitBudgetGflop, 0);
  const vk::DevicePolicy adreno = vk::policyFor(gpu(0x5143, 0x6050002, 128, "integrated"));
  EXPECT_EQ(adreno.convWorkgroupWidth, 64u);  // 128-wide waves: at most 64 lanes
  EXPECT_EQ(adreno.maxWinogradLiveFloats, 64);
  const vk::DevicePolicy mali = vk::policyFor(gpu(0x13B5, 0x72120000, 4, "integrated"));
  EXPECT_EQ(mali.deviceClass, vk::DeviceClass::ArmMali);
  EXPECT_EQ(mali.convWorkgroupWidth, 8u);  // subgroups of 4: at least 8 lanes
  EXPECT_LT(mali.submitBudgetGflop, nvidia.submitBudgetGflop);
}

// The policy is a function of the device and the overrides alone: the VKC_* variables reach it
// only through the overrides the API edge makes of them (src/api/environment.hpp).
TEST(DevicePolicy, PureFunctionOfDeviceAndOverrides) {
  vk::DeviceInfo cpu = gpu(0x10005, 0, 8, "cpu");
  cpu.storageTexelBuffers = true;
  cpu.maxPerStageStorageImages = 4;
  const vk::DeviceInfo nvidia = gpu(0x10DE, 0x2335, 32, "discrete");
  vk::PolicyOverrides forced;
  forced.storageReads = true;
  forced.uniformTexelReads = true;
  forced.convKernel = vk::ConvKernel::Igemm;
  auto lines = [](const vk::DeviceInfo& d, const vk::PolicyOverrides& o) {
    return vk::describePolicy(vk::policyFor(d, o));
  };
  const auto cpuDefault = lines(cpu, {}), cpuForced = lines(cpu, forced);
  const auto nvidiaDefault = lines(nvidia, {}), nvidiaForced = lines(nvidia, forced);
  ScopedEnv reads("VKC_READS", "storage");
  ScopedEnv kernel("VKC_CONV_KERNEL", "igemm");
  ScopedEnv limits("VKC_LIMITS", "minimum");
  EXPECT_EQ(lines(cpu, {}), cpuDefault);
  EXPECT_EQ(lines(cpu, forced), cpuForced);
  EXPECT_EQ(lines(nvidia, {}), nvidiaDefault);
  EXPECT_EQ(lines(nvidia, forced), nvidiaForced);
  {
    ScopedEnv otherReads("VKC_READS", "uniform-texel");
    ScopedEnv otherKernel("VKC_CONV_KERNEL", "blocked");
    EXPECT_EQ(lines(cpu, {}), cpuDefault);
    EXPECT_EQ(lines(nvidia, forced), nvidiaForced);
  }
  const vk::DevicePolicy p = vk::policyFor(cpu);
  EXPECT_FALSE(p.storageReads);
  EXPECT_EQ(p.texelBinding, vk::TexelBinding::Storage);
  EXPECT_EQ(p.convKernel, vk::ConvKernel::Blocked);
  const vk::DevicePolicy f = vk::policyFor(cpu, forced);
  EXPECT_TRUE(f.storageReads);
  EXPECT_EQ(f.texelBinding, vk::TexelBinding::Uniform);
  EXPECT_EQ(f.convKernel, vk::ConvKernel::Igemm);
}

TEST(DevicePolicy, Fp16NeedsEveryFeature) {
  vk::DeviceInfo d = gpu(0x10DE, 0x2335, 32, "discrete");
  d.fp16TexelBuffers = false;
  const vk::DevicePolicy p = vk::policyFor(d);
  EXPECT_FALSE(p.fp16);
  EXPECT_NE(p.noFp16Reason.find("r16f"), std::string::npos) << p.noFp16Reason;
}

TEST(DriverBugs, AdrenoPipelineCacheOnlyOnOldDrivers) {
  const auto oldDriver =
      vk::policyFor(gpu(0x5143, 0x6030001, 64, "integrated", VK_MAKE_API_VERSION(0, 1, 0, 61)));
  EXPECT_TRUE(hasBug(oldDriver, "adreno-corrupt-pipeline-cache"));
  EXPECT_FALSE(oldDriver.pipelineCache);
  const auto newDriver = vk::policyFor(gpu(0x5143, 0x6030001, 64, "integrated"));
  EXPECT_FALSE(hasBug(newDriver, "adreno-corrupt-pipeline-cache"));
  EXPECT_TRUE(newDriver.pipelineCache);
}

TEST(DriverBugs, AdrenoStorageBuffersWithoutL1KeepTexelReadsEvenWhenForced) {
  vk::PolicyOverrides storage;
  storage.storageReads = true;
  const auto adreno630 = vk::policyFor(gpu(0x5143, 0x6030001, 64, "integrated"), storage);
  const auto adreno650 = vk::policyFor(gpu(0x5143, 0x6050002, 64, "integrated"), storage);
  const auto nvidia = vk::policyFor(gpu(0x10DE, 0x2335, 32, "discrete"), storage);
  EXPECT_TRUE(hasBug(adreno630, "adreno-storage-buffer-no-l1"));
  EXPECT_FALSE(adreno630.storageReads);
  EXPECT_TRUE(adreno630.storageReadPath);  // still there where a texel view cannot hold the data
  EXPECT_FALSE(hasBug(adreno650, "adreno-storage-buffer-no-l1"));  // the listed exception
  EXPECT_TRUE(adreno650.storageReads);
  EXPECT_TRUE(nvidia.storageReads);
}

TEST(DriverBugs, BindingAliasBugsDisableTheStorageReadPath) {
  const auto t880 = vk::policyFor(gpu(0x13B5, 0x8800020, 4, "integrated"));
  EXPECT_TRUE(hasBug(t880, "mali-midgard-binding-alias"));
  EXPECT_FALSE(t880.storageReadPath);
  EXPECT_TRUE(vk::policyFor(gpu(0x13B5, 0x72120000, 4, "integrated")).storageReadPath);
  vk::DeviceInfo mac = gpu(0x106B, 0x1, 32, "integrated");
  mac.driverName = "MoltenVK";
  const auto moltenvk = vk::policyFor(mac);
  EXPECT_TRUE(hasBug(moltenvk, "moltenvk-binding-alias"));
  EXPECT_FALSE(moltenvk.storageReadPath);
  bool listed = false;
  for (const auto& [name, value] : vk::describePolicy(moltenvk)) {
    listed = listed || name == "driver_bug moltenvk-binding-alias";
  }
  EXPECT_TRUE(listed);
}

TEST(DriverBugs, PowerVrFp16RefusedWithTheBugsName) {
  const auto p = vk::policyFor(gpu(0x1010, 0x22054030, 32, "integrated"));
  EXPECT_FALSE(p.fp16);
  EXPECT_NE(p.noFp16Reason.find("powervr-fp16-error"), std::string::npos) << p.noFp16Reason;
}

// The policy's bound on live floats decides which Winograd variants are planned.
TEST(DevicePolicy, WinogradVariantsBoundedByLiveFloats) {
  const ops::ConvGeometry k3x3 = ops::sameGeometry(3, 3, 1, 35, 35);
  EXPECT_EQ(ops::winogradLiveFloats(ops::winogradPlanFor(k3x3, 35, 35)), 512);  // F(6x6,3x3)
  EXPECT_FALSE(ops::winogradPlanFor(k3x3, 35, 35, {128}).enabled());  // 2-D ones hold 288+
  const ops::ConvGeometry k1x7 = ops::sameGeometry(1, 7, 1, 17, 17);
  const ops::WinogradPlan f67 = ops::winogradPlanFor(k1x7, 17, 17, {128});
  EXPECT_EQ(f67.name(), "F(6,7)");
  EXPECT_EQ(ops::winogradLiveFloats(f67), 96);
  EXPECT_FALSE(ops::winogradPlanFor(k1x7, 17, 17, {64}).enabled());  // F(4,7) holds 80
  const ops::ConvGeometry k1x3 = ops::sameGeometry(1, 3, 1, 8, 8);
  EXPECT_EQ(ops::winogradPlanFor(k1x3, 8, 8, {64}).name(), "F(4,3)");
}

// An emulated GPU (vk/device_profiles.hpp) on a CPU driver gets the class, limits and width of
// that GPU, never more than the device has, and fp16 only where both have it.
TEST(DeviceProfiles, EmulatedGpuGetsItsClassAndLimits) {
  for (const auto& [name, cls] : {std::pair{"v3d", vk::DeviceClass::BroadcomV3D},
                                  std::pair{"adreno6xx", vk::DeviceClass::QualcommAdreno},
                                  std::pair{"mali_valhall", vk::DeviceClass::ArmMali},
                                  std::pair{"powervr_rogue", vk::DeviceClass::ImgPowerVR},
                                  std::pair{"apple_m1", vk::DeviceClass::Apple}}) {
    vk::DeviceInfo d = gpu(0x10005, 0, 8, "cpu");
    d.maxSharedMemoryBytes = 32768;
    d.maxWorkgroupInvocations = 1024;
    d.maxStorageBufferRange = uint64_t{1} << 27;
    d.maxTexelBufferElements = 1u << 27;
    d.maxPerStageStorageBuffers = 1u << 20;
    d.minTexelBufferOffsetAlignment = 16;
    const vk::DeviceProfile& profile = *vk::findDeviceProfile(name);
    vk::applyDeviceProfile(d, profile);
    const vk::DevicePolicy p = vk::policyFor(d);
    EXPECT_EQ(p.deviceClass, cls) << name;
    EXPECT_EQ(d.subgroupSize, profile.gpu.subgroupSize) << name;
    EXPECT_EQ(d.maxSharedMemoryBytes, std::min(32768u, profile.gpu.maxSharedMemoryBytes)) << name;
    EXPECT_EQ(d.maxWorkgroupInvocations, std::min(1024u, profile.gpu.maxWorkgroupInvocations))
        << name;
    EXPECT_EQ(d.maxTexelBufferElements, std::min(1u << 27, profile.gpu.maxTexelBufferElements))
        << name;
    EXPECT_EQ(d.maxPerStageStorageBuffers, profile.gpu.maxPerStageStorageBuffers) << name;
    EXPECT_EQ(d.minTexelBufferOffsetAlignment,
              std::max<uint64_t>(16, profile.gpu.minTexelBufferOffsetAlignment))
        << name;
    EXPECT_EQ(d.maxStorageBufferRange, uint64_t{1} << 27) << name << ": the device's, no larger";
    EXPECT_LE(p.convWorkgroupWidth, d.maxWorkgroupInvocations) << name;
    EXPECT_EQ(p.fp16, profile.gpu.shaderFloat16) << name;
  }
  vk::DeviceInfo d = gpu(0x10005, 0, 8, "cpu");
  vk::applyDeviceProfile(d, *vk::findDeviceProfile("v3d"), 4);
  EXPECT_EQ(vk::policyFor(d).convWorkgroupWidth, 8u) << "subgroup 4: widths stay 8..64";
  EXPECT_EQ(vk::findDeviceProfile("minimum"), nullptr);
  EXPECT_THROW(vk::findDeviceProfile("mali"), Error);
}

// The driver-bug table keys on vendor, device and driver name: an emulated GPU gets its
// driver's bugs (MoltenVK's by the driver name the profile sets), not those of other devices
// of its vendor (Midgard's binding-alias bug is not Valhall's).
TEST(DeviceProfiles, EmulatedGpuGetsItsDriversBugs) {
  auto emulated = [](const char* name) {
    vk::DeviceInfo d = gpu(0x10005, 0, 8, "cpu");
    d.driverName = "llvmpipe";
    vk::applyDeviceProfile(d, *vk::findDeviceProfile(name));
    return vk::policyFor(d);
  };
  const vk::DevicePolicy mali = emulated("mali_valhall");
  EXPECT_FALSE(hasBug(mali, "mali-midgard-binding-alias"));
  EXPECT_TRUE(mali.storageReadPath);
  EXPECT_EQ(mali.convWorkgroupWidth, 16u);
  const vk::DevicePolicy powervr = emulated("powervr_rogue");
  EXPECT_TRUE(hasBug(powervr, "powervr-fp16-error"));
  EXPECT_FALSE(powervr.fp16);
  EXPECT_EQ(powervr.convWorkgroupWidth, 8u) << "subgroup 1: at least 8 lanes";
  const vk::DevicePolicy apple = emulated("apple_m1");
  EXPECT_TRUE(hasBug(apple, "moltenvk-binding-alias"));
  EXPECT_FALSE(apple.storageReadPath);
  EXPECT_TRUE(apple.fp16);
  EXPECT_EQ(apple.convWorkgroupWidth, 32u);
  vk::DeviceInfo v3d = gpu(0x10005, 0, 8, "cpu");
  v3d.driverName = "llvmpipe";
  vk::applyDeviceProfile(v3d, *vk::findDeviceProfile("v3d"));
  EXPECT_EQ(v3d.driverName, "llvmpipe") << "a profile without a driver name keeps the device's";
}

}  // namespace
}  // namespace vkc::test
