#pragma once
// Compute pipelines built from the embedded SPIR-V. A kernel is a shader plus specialization
// constants; ids 0..2 are always the workgroup size (local_size_x_id = 0 ...), the rest are
// the shader's own. Every kernel binds N buffers at set 0 (storage buffers, or texel buffers
// where the key names a view format) and takes push constants.
// Pipelines go through a VkPipelineCache that is persisted on disk between runs.
#include <vulkan/vulkan.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vk/device_info.hpp"
#include "vk/device_policy.hpp"

namespace vkc::vk {

struct KernelKey {
  std::string shader;                 // file name of shaders/<shader>.comp without extension
  std::array<uint32_t, 3> localSize;  // spec constants 0..2
  std::vector<uint32_t> constants;    // spec constants 3.. (int/uint/float bits)
  uint32_t bindings = 0;              // buffers at bindings 0..N-1
  uint32_t pushBytes = 0;
  // Per binding: the view format of a uniform texel buffer, or VK_FORMAT_UNDEFINED (or past the
  // end) for a storage buffer. Texel fetches are gathers on CPU drivers where storage-buffer
  // loads are per-lane loops (docs/performance.md).
  std::vector<VkFormat> texelFormats;
  // How those texel buffers bind: uniform or storage texel buffers (DevicePolicy::texelBinding).
  VkDescriptorType texelType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
  VkFormat texelFormat(uint32_t binding) const {
    return binding < texelFormats.size() ? texelFormats[binding] : VK_FORMAT_UNDEFINED;
  }
  bool operator<(const KernelKey& o) const;
};

struct Kernel {
  KernelKey key;
  std::array<uint32_t, 3> maxGroups{65535, 65535, 65535};  // the device's maxComputeWorkGroupCount
  VkPipeline pipeline = VK_NULL_HANDLE;  // null only while its compilation is deferred
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  VkShaderModule module = VK_NULL_HANDLE;
  std::once_flag compiled;
  std::atomic<bool> ready{false};  // pipeline created (set once, after it)
};

// One pipeline made: which kernel (describe()) and how long its creation took.
struct PipelineCreation {
  std::string kernel;
  double ms = 0;
};

// What a cache has made: for the time-to-first-result breakdown (vkc-bench).
struct KernelCacheStats {
  int pipelines = 0;      // distinct shader + specialization combinations
  int shaderModules = 0;  // distinct shader builds
  double compileMs = 0;   // summed over vkCreateComputePipelines calls (on several threads)
  double wallMs = 0;      // the time callers waited for them
  size_t cacheBytes = 0;  // the VkPipelineCache's data now (what save() would write)
  size_t created = 0;     // pipelines created so far: createdSince(created) lists later ones
};

class KernelCache {
 public:
  // cachePath empty: no on-disk cache. A file whose header is not this device's (vendor,
  // device, pipeline-cache UUID) is ignored with a warning on stderr, never given to the driver.
  KernelCache(VkDevice device, std::string cachePath, const DeviceInfo& info,
              const DevicePolicy& policy);
  // A view of `base` under another policy (the self-test's configurations): get() returns
  // base's kernels, policy() this one. Lives no longer than base.
  KernelCache(KernelCache& base, const DevicePolicy& policy);
  ~KernelCache();
  KernelCache(const KernelCache&) = delete;
  KernelCache& operator=(const KernelCache&) = delete;

  // The kernel of `key`, its pipeline created on first use. Within a CompileTogether on the
  // calling thread, new pipelines are only declared (the kernel's key, layout and limits are
  // usable at once) and created together, on several threads, when it ends.
  const Kernel& get(const KernelKey& key);
  // finish() creates what was declared and rethrows the first error; a group left without it
  // creates nothing, and a later get() of those keys creates them one by one.
  class CompileTogether {
   public:
    explicit CompileTogether(KernelCache& cache);
    ~CompileTogether();
    // `progress` (optional): pipelines created of those declared, one call at a time, from
    // any of the compile threads.
    void finish(const std::function<void(int done, int total)>& progress = {});
    CompileTogether(const CompileTogether&) = delete;
    CompileTogether& operator=(const CompileTogether&) = delete;

   private:
    KernelCache& cache_;
    std::vector<Kernel*> declared_;
    CompileTogether* outer_;
    bool active_ = true;
    friend class KernelCache;
  };
  KernelCacheStats stats() const;
  // The pipelines created after the first `count` ones, in the order they were made.
  std::vector<PipelineCreation> createdSince(size_t count) const;
  void save() const;  // writes the VkPipelineCache to cachePath (best effort)
  const std::string& cachePath() const { return path_; }
  // The device's policy, for the choice of a shader's build (ops::readPathFor).
  const DevicePolicy& policy() const { return policy_; }
  const DeviceInfo& info() const { return limits_; }

 private:
  VkDevice device_;
  KernelCache* base_ = nullptr;  // a view's: where its kernels live
  std::string path_;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  std::map<std::vector<VkDescriptorType>, VkDescriptorSetLayout> setLayouts_;
  std::map<KernelKey, std::unique_ptr<Kernel>> kernels_;
  std::map<std::string, VkShaderModule> modules_;
  DeviceInfo limits_;  // what every kernel must stay within (checked in declare())
  DevicePolicy policy_;
  mutable std::mutex mutex_;
  double compileMs_ = 0, wallMs_ = 0;      // under mutex_
  std::vector<PipelineCreation> created_;  // under mutex_
  Kernel* declare(const KernelKey& key);   // made and in kernels_, its pipeline perhaps not yet
  void compile(Kernel& kernel);
  static CompileTogether* activeGroup(const KernelCache* cache);  // this thread's, for `cache`
  void compileAll(const std::vector<Kernel*>& declared,
                  const std::function<void(int done, int total)>& progress);
};

VkDescriptorType descriptorType(const KernelKey& key, uint32_t binding);
// "<shader> [x,y,z; constants...]", for timings and messages.
std::string describe(const KernelKey& key);

// <cacheHome>/vkception/pipelines-<vendor>-<device>-<driver>.bin; empty if `cacheHome` is.
std::string defaultPipelineCachePath(const std::string& cacheHome, uint32_t vendorId,
                                     uint32_t deviceId, uint32_t driverVersion);

}  // namespace vkc::vk
