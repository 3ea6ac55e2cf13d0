#include "vk/driver_bugs.hpp"

#include <algorithm>

namespace vkc::vk {
namespace {

constexpr uint32_t kQualcomm = 0x5143, kArm = 0x13B5, kImagination = 0x1010;

bool applies(const DriverBug& bug, const DeviceInfo& d) {
  if (bug.driverName && d.driverName != bug.driverName) return false;
  if (bug.vendorId != 0 && d.vendorId != bug.vendorId) return false;
  if (!bug.deviceIds.empty()) {
    const bool listed =
        std::find(bug.deviceIds.begin(), bug.deviceIds.end(), d.deviceId) != bug.deviceIds.end();
    if (listed == bug.exceptTheseDevices) return false;
  }
  return bug.belowApiVersion == 0 || d.apiVersion < bug.belowApiVersion;
}

}  // namespace

const std::vector<DriverBug>& knownDriverBugs() {
  static const std::vector<DriverBug> bugs = {
      {"adreno-corrupt-pipeline-cache",
       "old Adreno drivers cannot share created pipelines through a pipeline cache",
       "ncnn src/gpu.cpp, bug_corrupted_online_pipeline_cache",
       Workaround::NoPipelineCache,
       kQualcomm,
       {},
       false,
       VK_MAKE_API_VERSION(0, 1, 0, 66)},
      {"adreno-storage-buffer-no-l1",
       "storage-buffer loads bypass the L1 cache on Adreno GPUs other than the 640 and 650",
       "ncnn src/gpu.cpp, bug_storage_buffer_no_l1",
       Workaround::TexelReadsOnly,
       kQualcomm,
       {0x6040001, 0x6050002},
       true},
      {"mali-midgard-binding-alias",
       "Mali Midgard drivers (T760, T860, T880) cannot handle two variables on one binding",
       "ncnn src/gpu.cpp, bug_layout_binding_id_alias",
       Workaround::NoAliasedBindings,
       kArm,
       {0x7500001, 0x8602000, 0x8800020}},
      {"moltenvk-binding-alias",
       "Metal shaders (MoltenVK) never accept two variables on one binding",
       "ncnn src/gpu.cpp, bug_layout_binding_id_alias (__APPLE__)",
       Workaround::NoAliasedBindings,
       0,
       {},
       false,
       0,
       "MoltenVK"},
      {"powervr-fp16-error",
       "fp16 arithmetic on PowerVR Rogue (GE8320) gives errors far above fp16 rounding",
       "github.com/EdVince/Hey-PowerVR-FP16 (ncnn use_fp16_arithmetic and TNN, Samsung A12)",
       Workaround::NoFp16, kImagination},
  };
  return bugs;
}

std::vector<const DriverBug*> driverBugsOf(const DeviceInfo& device) {
  std::vector<const DriverBug*> found;
  for (const DriverBug& bug : knownDriverBugs()) {
    if (applies(bug, device)) found.push_back(&bug);
  }
  return found;
}

const char* workaroundName(Workaround w) {
  switch (w) {
    case Workaround::NoPipelineCache:
      return "no pipeline cache";
    case Workaround::TexelReadsOnly:
      return "texel reads wherever they fit";
    case Workaround::NoAliasedBindings:
      return "no storage-read path (texel reads only)";
    case Workaround::NoFp16:
      return "fp32 only";
  }
  return "";
}

}  // namespace vkc::vk
