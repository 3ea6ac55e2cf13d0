#include "vk/device_policy.hpp"

#include <cstdlib>

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

DevicePolicy policyFor(const DeviceInfo& device) {
  DevicePolicy p;
  p.deviceClass = classify(device);
  p.largeConvBlocks = p.deviceClass == DeviceClass::CpuDriver;
  p.submitBudgetGflop = 0.5 * assumedGflops(p.deviceClass, device);
  const char* reads = std::getenv("VKC_READS");
  p.storageReads = reads != nullptr && std::string(reads) == "storage";
  return p;
}

}  // namespace vkc::vk
