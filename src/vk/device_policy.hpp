#pragma once
// One place that decides, per device, what the kernels and the scheduler may assume: computed
// once from the device's properties (Device::policy()), printed by vkc-info and vkc-bench --json.
// Nothing else asks what kind of device it runs on.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vk/device_info.hpp"
#include "vk/driver_bugs.hpp"
#include "vk/kernel_verdicts.hpp"

namespace vkc::vk {

enum class DeviceClass {
  Nvidia,
  Amd,
  Intel,
  ArmMali,
  QualcommAdreno,
  ImgPowerVR,
  BroadcomV3D,
  Apple,
  CpuDriver,
  Other
};

// The kernels that run a network's direct convolutions (ops::planConv decides per layer within
// the family): Blocked, the register-blocked kernels shaped on lavapipe (conv1x1, conv2d_segments,
// conv2d_at_once); Igemm, the shared-memory implicit GEMM for desktop GPUs (conv2d_igemm);
// Regtile, the register-tiled implicit GEMM without shared memory for mobile GPUs
// (conv2d_regtile). Every family runs on every device (VKC_CONV_KERNEL, DeviceOptions::convKernel,
// ContextOptions). A new family is a value here and a row in device_policy.cpp's name table.
enum class ConvKernel { Blocked, Igemm, Regtile };
const char* convKernelName(ConvKernel k);
// The family named `name` ("blocked", "igemm", "regtile"); throws vkc::Error (BadArgument) naming
// the known ones for any other.
ConvKernel convKernelNamed(const std::string& name);
// Every family, in the name table's order.
std::vector<ConvKernel> allConvKernels();

// How a texel-buffer read binds (common.glsl): uniform texel buffers (texelFetch) or storage
// texel buffers (imageLoad; the "_st" builds of the shaders).
enum class TexelBinding { Uniform, Storage };

struct DevicePolicy {
  DeviceClass deviceClass = DeviceClass::Other;
  // Large register blocks (32 channels x 3 quads in conv1x1): CPU drivers keep accumulators in
  // L1 and gain from the fewer fetches; a GPU thread would spill them (at most 255 registers).
  bool largeConvBlocks = false;
  // Lanes per workgroup of the convolutions: one subgroup (8 on lavapipe's AVX2, 32 NVIDIA,
  // 64 AMD), within 8..64: on CPU drivers one subgroup runs the convolutions faster than
  // 64-wide workgroups (docs/performance.md); Adreno's 128-wide waves get 64.
  uint32_t convWorkgroupWidth = 8;
  // Floats an invocation of a Winograd transform may keep live (0: no bound): a variant whose
  // input or output transform holds more (ops::winogradLiveFloats; F(6x6,3x3) 512) is not
  // planned. CPU drivers keep them in L1; NVIDIA threads hold at most 255 registers, Mali
  // Bifrost 64 at full occupancy. Unmeasured on GPUs: the bounds keep every 1-D variant on
  // desktop GPUs and the F(m,3) ones on mobile ones.
  int maxWinogradLiveFloats = 0;
  // Nominal GFLOP one command buffer may carry before an inference is split into several,
  // submitted together: a GPU runs one for well under the watchdogs' time (Windows TDR 2 s,
  // mobile and V3D job timeouts), at a throughput assumed low for the class. 0: no limit (CPU
  // drivers have no watchdog).
  double submitBudgetGflop = 0;
  // Inputs and weights through storage buffers instead of texel buffers in every dispatch, not
  // only where a texel view would exceed maxTexelBufferElements. Off by default on every class
  // (texel reads are the fast path on CPU drivers, docs/performance.md; GPUs untuned);
  // VKC_READS=storage or DeviceOptions::storageReads turn it on (tests, benchmarks).
  bool storageReads = false;
  // Storage on CPU drivers that have r32f/rgba32f/r16f/rgba16f storage texel buffers, uniform
  // elsewhere (GPUs read uniform texel buffers through their texture caches; unmeasured). On
  // lavapipe (Mesa 22.3) the shader-cache key of a kernel with a uniform texel buffer differs from
  // process to process for a few kernels per network, so every start recompiles them; with storage
  // texel buffers it does not, and they read as fast (docs/performance.md). VKC_READS=uniform-texel
  // or DeviceOptions::uniformTexelReads force uniform (tests).
  TexelBinding texelBinding = TexelBinding::Uniform;
  // The storage-read path aliases the weights binding (conv_io.glsl); false on drivers that
  // cannot: there a view too large for a texel buffer is refused with the bug's name.
  bool storageReadPath = true;
  // fp16 tensors and arithmetic may be chosen (NetworkOptions::precision): the device has the
  // features and no known bug rules them out; otherwise why not. fp32 stays the default.
  bool fp16 = false;
  std::string noFp16Reason;
  bool pipelineCache = true;  // false where a driver bug corrupts it
  // The direct convolutions' kernel family: Igemm on NVIDIA, AMD and Intel GPUs; Regtile on Arm
  // Mali, Qualcomm Adreno, Imagination PowerVR, Broadcom V3D and Apple GPUs (their compilers do
  // not stage tiles in shared memory); Blocked on CPU drivers and other devices. The GPU
  // defaults are untested on hardware: no GPU has run them. VKC_CONV_KERNEL (through
  // PolicyOverrides::convKernel) or DeviceOptions::convKernel overrides it.
  ConvKernel convKernel = ConvKernel::Blocked;
  // Igemm: K slices of every convolution that can take them, instead of the plan's split-K
  // (0: the plan's). For tests (DeviceOptions::convSplitK), so that small layers exercise the
  // split and its reduction.
  int convSplitK = 0;
  std::vector<const DriverBug*> driverBugs;
  // Kernel builds the self-test found wrong here: never chosen (kernel_verdicts.hpp). Copies of
  // the policy share it.
  std::shared_ptr<KernelVerdicts> verdicts = std::make_shared<KernelVerdicts>();
};

// What a caller asks of the policy instead of the class's defaults (DeviceOptions; the API edge
// fills them from VKC_READS and VKC_CONV_KERNEL, src/api/environment.hpp).
struct PolicyOverrides {
  bool storageReads = false;       // DevicePolicy::storageReads, where no driver bug rules it out
  bool uniformTexelReads = false;  // DevicePolicy::texelBinding Uniform whatever the class
  std::optional<ConvKernel> convKernel;  // DevicePolicy::convKernel instead of the class's
};

// A function of its arguments alone: the same device and overrides give the same policy.
DevicePolicy policyFor(const DeviceInfo& device, const PolicyOverrides& overrides = {});
const char* deviceClassName(DeviceClass c);
// The policy as (name, value) lines, for vkc-info and vkc-bench (text and JSON alike).
std::vector<std::pair<std::string, std::string>> describePolicy(const DevicePolicy& policy);

}  // namespace vkc::vk
