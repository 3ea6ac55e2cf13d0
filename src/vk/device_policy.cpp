#include "vk/device_policy.hpp"

#include <algorithm>
#include <cstdlib>

#include "vkception/error.hpp"

namespace vkc::vk {
namespace {

DeviceClass classify(const DeviceInfo& d) {
  if (d.type == "cpu") return DeviceClass::CpuDriver;
  switch (d.vendorId) {  // PCI-SIG and Khronos vendor ids
    case 0x10DE:
      return DeviceClass::Nvidia;
    case 0x1002:
      return DeviceClass::Amd;
    case 0x8086:
      return DeviceClass::Intel;
    case 0x13B5:
      return DeviceClass::ArmMali;
    case 0x5143:
      return DeviceClass::QualcommAdreno;
    case 0x1010:
      return DeviceClass::ImgPowerVR;
    case 0x14E4:
      return DeviceClass::BroadcomV3D;
    case 0x106B:
      return DeviceClass::Apple;
    default:
      return DeviceClass::Other;
  }
}

// Assumed sustained fp32 throughput (GFLOP/s) of the slowest common device of a class, for the
// submit budget only: at half a second of work per command buffer there is a 4x margin to the
// 2 s Windows TDR on such a device. Discrete desktop GPUs: a low-end one; mobile: a Mali-G52 /
// V3D-class part.
double assumedGflops(DeviceClass c, const DeviceInfo& d) {
  switch (c) {
    case DeviceClass::CpuDriver:
      return 0;
    case DeviceClass::Nvidia:
    case DeviceClass::Amd:
      return d.type == "discrete" ? 2000 : 400;
    case DeviceClass::Intel:
    case DeviceClass::Apple:
      return 400;
    case DeviceClass::ArmMali:
    case DeviceClass::QualcommAdreno:
    case DeviceClass::ImgPowerVR:
      return 40;
    case DeviceClass::BroadcomV3D:
      return 10;
    case DeviceClass::Other:
      return 40;
  }
  return 40;
}

// Bounds of maxWinogradLiveFloats (DevicePolicy): half an NVIDIA thread's 255 registers for the
// transform's values, the rest for addresses and loop state; mobile GPUs have a quarter.
int winogradLiveFloatBound(DeviceClass c) {
  switch (c) {
    case DeviceClass::CpuDriver:
      return 0;
    case DeviceClass::Nvidia:
    case DeviceClass::Amd:
    case DeviceClass::Intel:
    case DeviceClass::Apple:
      return 128;
    default:
      return 64;
  }
}

// Why fp16 cannot run from the device's features alone (empty: it can).
std::string fp16FeaturesMissing(const DeviceInfo& device) {
  if (!device.shaderFloat16) return "the device has no shaderFloat16 (fp16 arithmetic)";
  if (!device.storageBuffer16BitAccess) return "the device has no storageBuffer16BitAccess";
  if (!device.fp16TexelBuffers) return "the device cannot read r16f/rgba16f texel buffers";
  return "";
}

// Every kernel family by the name VKC_CONV_KERNEL and vkc-bench --conv-kernel take.
constexpr std::pair<ConvKernel, const char*> kConvKernelNames[] = {
    {ConvKernel::Blocked, "blocked"},
    {ConvKernel::Igemm, "igemm"},
    {ConvKernel::Regtile, "regtile"},
};

// The family a class runs by default: the shared-memory implicit GEMM on desktop GPUs (discrete
// or integrated), register tiles without shared memory on mobile GPUs, the register blocks
// shaped on lavapipe on CPU drivers and unknown devices. Unmeasured on any GPU.
ConvKernel defaultConvKernel(DeviceClass c) {
  switch (c) {
    case DeviceClass::Nvidia:
    case DeviceClass::Amd:
    case DeviceClass::Intel:
      return ConvKernel::Igemm;
    case DeviceClass::ArmMali:
    case DeviceClass::QualcommAdreno:
    case DeviceClass::ImgPowerVR:
    case DeviceClass::BroadcomV3D:
    case DeviceClass::Apple:
      return ConvKernel::Regtile;
    default:
      return ConvKernel::Blocked;
  }
}

std::string yesNo(bool b) {
  return b ? "yes" : "no";
}

}  // namespace

const char* deviceClassName(DeviceClass c) {
  switch (c) {
    case DeviceClass::Nvidia:
      return "NVIDIA";
    case DeviceClass::Amd:
      return "AMD";
    case DeviceClass::Intel:
      return "Intel";
    case DeviceClass::ArmMali:
      return "Arm Mali";
    case DeviceClass::QualcommAdreno:
      return "Qualcomm Adreno";
    case DeviceClass::ImgPowerVR:
      return "Imagination PowerVR";
    case DeviceClass::BroadcomV3D:
      return "Broadcom V3D";
    case DeviceClass::Apple:
      return "Apple";
    case DeviceClass::CpuDriver:
      return "CPU driver";
    case DeviceClass::Other:
      return "other";
  }
  return "other";
}

const char* convKernelName(ConvKernel k) {
  for (const auto& [kernel, name] : kConvKernelNames) {
    if (kernel == k) return name;
  }
  return "unknown";
}

std::vector<ConvKernel> allConvKernels() {
  std::vector<ConvKernel> all;
  for (const auto& [kernel, name] : kConvKernelNames)
    all.push_back(kernel);
  return all;
}

ConvKernel convKernelNamed(const std::string& name) {
  std::string known;
  for (const auto& [kernel, kernelName] : kConvKernelNames) {
    if (name == kernelName) return kernel;
    known += std::string(known.empty() ? "" : ", ") + kernelName;
  }
  throw Error("convolution kernel '" + name + "': no such family (known: " + known + ")",
              ErrorCode::BadArgument);
}

DevicePolicy policyFor(const DeviceInfo& device, const PolicyOverrides& overrides) {
  DevicePolicy p;
  p.deviceClass = classify(device);
  p.largeConvBlocks = p.deviceClass == DeviceClass::CpuDriver;
  p.convWorkgroupWidth = std::clamp<uint32_t>(device.subgroupSize, 8, 64);
  p.maxWinogradLiveFloats = winogradLiveFloatBound(p.deviceClass);
  p.submitBudgetGflop = 0.5 * assumedGflops(p.deviceClass, device);
  p.storageReads = overrides.storageReads;
  const bool storageTexels = p.deviceClass == DeviceClass::CpuDriver &&
                             device.storageTexelBuffers && device.maxPerStageStorageImages >= 2;
  p.texelBinding =
      storageTexels && !overrides.uniformTexelReads ? TexelBinding::Storage : TexelBinding::Uniform;
  p.convKernel = overrides.convKernel.value_or(defaultConvKernel(p.deviceClass));
  p.noFp16Reason = fp16FeaturesMissing(device);
  p.driverBugs = driverBugsOf(device);
  for (const DriverBug* bug : p.driverBugs) {
    switch (bug->workaround) {
      case Workaround::NoPipelineCache:
        p.pipelineCache = false;
        break;
      case Workaround::TexelReadsOnly:
        p.storageReads = false;
        break;
      case Workaround::NoAliasedBindings:
        p.storageReads = false;
        p.storageReadPath = false;
        break;
      case Workaround::NoFp16:
        if (p.noFp16Reason.empty()) p.noFp16Reason = std::string("driver bug ") + bug->id;
        break;
    }
  }
  p.fp16 = p.noFp16Reason.empty();
  return p;
}

std::vector<std::pair<std::string, std::string>> describePolicy(const DevicePolicy& p) {
  std::vector<std::pair<std::string, std::string>> lines = {
      {"device_class", deviceClassName(p.deviceClass)},
      {"conv_kernel", convKernelName(p.convKernel)},
      {"conv_register_blocks", p.largeConvBlocks ? "large" : "small"},
      {"conv_workgroup_width", std::to_string(p.convWorkgroupWidth)},
      {"winograd_live_floats", p.maxWinogradLiveFloats > 0
                                   ? "at most " + std::to_string(p.maxWinogradLiveFloats)
                                   : "unbounded"},
      {"submit_budget_gflop",
       p.submitBudgetGflop > 0 ? std::to_string(int(p.submitBudgetGflop)) : "unlimited"},
      {"reads",
       p.storageReads
           ? "storage buffers"
           : std::string(p.texelBinding == TexelBinding::Storage ? "storage texel buffers"
                                                                 : "uniform texel buffers") +
                 (p.storageReadPath ? ", storage where a view exceeds the limit" : " only")},
      {"fp16", p.fp16 ? "available (fp32 is the default)" : "no: " + p.noFp16Reason},
      {"pipeline_cache", yesNo(p.pipelineCache)},
  };
  for (const DriverBug* bug : p.driverBugs) {
    lines.push_back({std::string("driver_bug ") + bug->id, workaroundName(bug->workaround)});
  }
  return lines;
}

}  // namespace vkc::vk
