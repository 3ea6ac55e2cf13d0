#include "vk/kernels.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>
#include <unordered_set>

#include "util/parallel_for.hpp"
#include "vk/check.hpp"
#include "vk/fault_injection.hpp"
#include "vk/shader_registry.hpp"
#include "vk/spirv_shared_memory.hpp"
#include "vk/stopwatch.hpp"
#include "vkception/error.hpp"

namespace vkc::vk {

bool KernelKey::operator<(const KernelKey& o) const {
  return std::tie(shader, localSize, constants, bindings, pushBytes, texelFormats, texelType) <
         std::tie(o.shader, o.localSize, o.constants, o.bindings, o.pushBytes, o.texelFormats,
                  o.texelType);
}

VkDescriptorType descriptorType(const KernelKey& key, uint32_t binding) {
  return key.texelFormat(binding) == VK_FORMAT_UNDEFINED ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                                                         : key.texelType;
}

std::string defaultPipelineCachePath(const std::string& cacheHome, uint32_t vendorId,
                                     uint32_t deviceId, uint32_t driverVersion) {
  if (cacheHome.empty()) return "";
  return cacheHome + "/vkception/pipelines-" + std::to_string(vendorId) + "-" +
         std::to_string(deviceId) + "-" + std::to_string(driverVersion) + ".bin";
}

namespace {

// Why a pipeline-cache file must not be handed to the driver, or "" if its header
// (VkPipelineCacheHeaderVersionOne) is this device's: drivers are not required to check it, and
// a corrupt or foreign file can crash some.
std::string cacheHeaderProblem(const std::vector<char>& data, const DeviceInfo& device) {
  constexpr size_t kHeaderBytes = 16 + VK_UUID_SIZE;
  if (data.size() < kHeaderBytes) return "shorter than a pipeline cache header";
  uint32_t fields[4];
  std::memcpy(fields, data.data(), sizeof fields);
  if (fields[0] < kHeaderBytes || fields[0] > data.size()) return "bad header size";
  if (fields[1] != VK_PIPELINE_CACHE_HEADER_VERSION_ONE) return "unknown header version";
  if (fields[2] != device.vendorId || fields[3] != device.deviceId)
    return "made for another device";
  if (std::memcmp(data.data() + 16, device.pipelineCacheUUID, VK_UUID_SIZE) != 0) {
    return "made by another driver version (pipeline cache UUID differs)";
  }
  return "";
}

std::vector<char> readCacheFile(const std::string& path, const DeviceInfo& device) {
  constexpr std::uintmax_t kMaxCacheBytes = std::uintmax_t{1} << 30;
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return {};
  std::vector<char> data;
  if (std::filesystem::file_size(path, ec) <= kMaxCacheBytes) {
    std::ifstream in(path, std::ios::binary);
    if (in) data.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string problem =
      data.empty() ? "unreadable or too large" : cacheHeaderProblem(data, device);
  if (!problem.empty()) {
    std::fprintf(stderr, "vkception: ignoring pipeline cache %s: %s\n", path.c_str(),
                 problem.c_str());
    return {};
  }
  return data;
}

// Every kernel within the device's limits as the library reads them (clamped to the Vulkan 1.1
// minimum in VKC_LIMITS=minimum mode): a kernel that would need more is an error, not an
// invalid pipeline on some device.
// `sharedBytes`: the workgroup memory of the shader as `key` specializes it.
void checkWithinLimits(const KernelKey& key, const std::vector<VkDescriptorType>& types,
                       uint64_t sharedBytes, const DeviceInfo& d) {
  const auto storage = std::count(types.begin(), types.end(), VK_DESCRIPTOR_TYPE_STORAGE_BUFFER);
  const auto texel =
      std::count(types.begin(), types.end(), VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER);
  const auto storageTexel =
      std::count(types.begin(), types.end(), VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER);
  const uint64_t invocations = uint64_t(key.localSize[0]) * key.localSize[1] * key.localSize[2];
  std::string problem;
  if (uint64_t(storage) > d.maxPerStageStorageBuffers) {
    problem = std::to_string(storage) + " storage buffers (maxPerStageDescriptorStorageBuffers " +
              std::to_string(d.maxPerStageStorageBuffers) + ")";
  } else if (uint64_t(texel) > d.maxPerStageSampledImages) {
    problem = std::to_string(texel) + " texel buffers (maxPerStageDescriptorSampledImages " +
              std::to_string(d.maxPerStageSampledImages) + ")";
  } else if (uint64_t(storageTexel) > d.maxPerStageStorageImages) {
    problem = std::to_string(storageTexel) +
              " storage texel buffers (maxPerStageDescriptorStorageImages " +
              std::to_string(d.maxPerStageStorageImages) + ")";
  } else if (key.pushBytes > d.maxPushConstantsBytes) {
    problem = std::to_string(key.pushBytes) + " bytes of push constants";
  } else if (invocations > d.maxWorkgroupInvocations || key.localSize[0] > d.maxWorkgroupSize[0] ||
             key.localSize[1] > d.maxWorkgroupSize[1] || key.localSize[2] > d.maxWorkgroupSize[2]) {
    problem = "a workgroup of " + std::to_string(key.localSize[0]) + "x" +
              std::to_string(key.localSize[1]) + "x" + std::to_string(key.localSize[2]);
  } else if (sharedBytes > d.maxSharedMemoryBytes) {
    problem = std::to_string(sharedBytes) + " bytes of shared memory (maxComputeSharedMemorySize " +
              std::to_string(d.maxSharedMemoryBytes) + ")";
  }
  if (!problem.empty()) {
    throw Error("shader '" + key.shader + "' would need " + problem + ", more than " + d.name +
                    (d.minimumLimits ? " (at the Vulkan 1.1 minimum limits)" : "") + " allows",
                ErrorCode::UnsupportedDevice);
  }
}

// The workgroup memory of `key`'s shader with its specialization constants (those compile()
// gives: the workgroup size, then key.constants).
uint64_t sharedMemoryBytes(const KernelKey& key, const SpirvBinary& spirv) {
  std::vector<uint32_t> values(key.localSize.begin(), key.localSize.end());
  values.insert(values.end(), key.constants.begin(), key.constants.end());
  try {
    return workgroupMemoryBytes(spirv.words, spirv.wordCount, values);
  } catch (const Error& e) {
    throw Error("shader '" + key.shader + "': " + e.what());
  }
}

}  // namespace

// The CompileTogether group open on this thread (innermost), whatever its cache.
thread_local KernelCache::CompileTogether* openGroup = nullptr;

KernelCache::CompileTogether* KernelCache::activeGroup(const KernelCache* cache) {
  for (CompileTogether* g = openGroup; g; g = g->outer_) {
    if (&g->cache_ == cache) return g;
  }
  return nullptr;
}

KernelCache::KernelCache(VkDevice device, std::string cachePath, const DeviceInfo& deviceInfo,
                         const DevicePolicy& policy)
    : device_(device), path_(std::move(cachePath)), limits_(deviceInfo), policy_(policy) {
  if (!policy_.pipelineCache) return;  // a driver bug (vk/driver_bugs.hpp): pipelines made alone
  const std::vector<char> data = readCacheFile(path_, deviceInfo);
  VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  info.initialDataSize = data.size();
  info.pInitialData = data.data();
  if (vkCreatePipelineCache(device_, &info, nullptr, &cache_) != VK_SUCCESS) {
    info.initialDataSize = 0;
    info.pInitialData = nullptr;
    VKC_CHECK(vkCreatePipelineCache(device_, &info, nullptr, &cache_));
  }
}

KernelCache::KernelCache(KernelCache& base, const DevicePolicy& policy)
    : device_(base.device_), base_(&base), limits_(base.limits_), policy_(policy) {}

KernelCache::~KernelCache() {
  for (auto& [key, kernel] : kernels_) {
    vkDestroyPipeline(device_, kernel->pipeline, nullptr);
    vkDestroyPipelineLayout(device_, kernel->layout, nullptr);
  }
  for (auto& [n, layout] : setLayouts_)
    vkDestroyDescriptorSetLayout(device_, layout, nullptr);
  for (auto& [name, module] : modules_)
    vkDestroyShaderModule(device_, module, nullptr);
  vkDestroyPipelineCache(device_, cache_, nullptr);
}

void KernelCache::save() const {
  if (path_.empty()) return;
  size_t size = 0;
  if (vkGetPipelineCacheData(device_, cache_, &size, nullptr) != VK_SUCCESS || size == 0) return;
  std::vector<char> data(size);
  if (vkGetPipelineCacheData(device_, cache_, &size, data.data()) != VK_SUCCESS) return;
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  // Write then rename, so a concurrent reader never sees half a file.
  std::string tmp = path_ + ".tmp" + std::to_string(reinterpret_cast<uintptr_t>(this));
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return;
    out.write(data.data(), static_cast<std::streamsize>(size));
    if (!out) return;
  }
  std::rename(tmp.c_str(), path_.c_str());
}

Kernel* KernelCache::declare(const KernelKey& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = kernels_.find(key); it != kernels_.end()) return it->second.get();

  const auto& shaders = embeddedShaders();
  auto spirv = shaders.find(key.shader);
  if (spirv == shaders.end()) throw Error("no embedded shader named '" + key.shader + "'");
  VkShaderModule& module = modules_[key.shader];
  if (module == VK_NULL_HANDLE) {
    VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    info.codeSize = spirv->second.wordCount * sizeof(uint32_t);
    info.pCode = spirv->second.words;
    VKC_CHECK_AT(FaultSite::PipelineCreation,
                 vkCreateShaderModule(device_, &info, nullptr, &module));
  }

  std::vector<VkDescriptorType> types(key.bindings);
  for (uint32_t i = 0; i < key.bindings; ++i)
    types[i] = descriptorType(key, i);
  checkWithinLimits(key, types, sharedMemoryBytes(key, spirv->second), limits_);
  VkDescriptorSetLayout& setLayout = setLayouts_[types];
  if (setLayout == VK_NULL_HANDLE) {
    std::vector<VkDescriptorSetLayoutBinding> bindings(key.bindings);
    for (uint32_t i = 0; i < key.bindings; ++i) {
      bindings[i] = {i, types[i], 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    }
    VkDescriptorSetLayoutCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    info.bindingCount = key.bindings;
    info.pBindings = bindings.data();
    VKC_CHECK(vkCreateDescriptorSetLayout(device_, &info, nullptr, &setLayout));
  }

  auto kernel = std::make_unique<Kernel>();
  kernel->key = key;
  kernel->module = module;
  for (int i = 0; i < 3; ++i)
    kernel->maxGroups[i] = limits_.maxWorkgroupCount[i];
  kernel->setLayout = setLayout;
  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, key.pushBytes};
  VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout;
  layoutInfo.pushConstantRangeCount = key.pushBytes ? 1 : 0;
  layoutInfo.pPushConstantRanges = &push;
  VKC_CHECK(vkCreatePipelineLayout(device_, &layoutInfo, nullptr, &kernel->layout));
  return kernels_.emplace(key, std::move(kernel)).first->second.get();
}

const Kernel& KernelCache::get(const KernelKey& key) {
  if (base_) return base_->get(key);
  Kernel* kernel = declare(key);
  if (kernel->ready.load(std::memory_order_acquire)) return *kernel;
  if (CompileTogether* group = activeGroup(this)) {
    group->declared_.push_back(kernel);
    return *kernel;
  }
  const Stopwatch waited;
  compile(*kernel);
  std::lock_guard<std::mutex> lock(mutex_);
  wallMs_ += waited.ms();
  return *kernel;
}

void KernelCache::compile(Kernel& kernel) {
  std::call_once(kernel.compiled, [&] {
    const KernelKey& key = kernel.key;
    std::vector<uint32_t> values(key.localSize.begin(), key.localSize.end());
    values.insert(values.end(), key.constants.begin(), key.constants.end());
    std::vector<VkSpecializationMapEntry> entries(values.size());
    for (uint32_t i = 0; i < values.size(); ++i) {
      entries[i] = {i, i * 4u, 4};
    }
    VkSpecializationInfo spec{static_cast<uint32_t>(entries.size()), entries.data(),
                              values.size() * 4, values.data()};
    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = kernel.module;
    info.stage.pName = "main";
    info.stage.pSpecializationInfo = &spec;
    info.layout = kernel.layout;
    const Stopwatch creation;
    VkResult result =
        VKC_CALL_AT(FaultSite::PipelineCreation,
                    vkCreateComputePipelines(device_, cache_, 1, &info, nullptr, &kernel.pipeline));
    if (result != VK_SUCCESS) {
      kernel.pipeline = VK_NULL_HANDLE;
      throwVkError("vkCreateComputePipelines", result, "for shader '" + key.shader + "'");
    }
    kernel.ready.store(true, std::memory_order_release);
    const double ms = creation.ms();
    std::lock_guard<std::mutex> lock(mutex_);
    compileMs_ += ms;
    created_.push_back({describe(key), ms});
  });
}

// One thread per core (at most 8), each taking the next kernel: drivers compile pipelines
// concurrently (Mesa's LLVM backends do), and a network has dozens of distinct ones. Nodes share
// kernels, so `declared` repeats them: each is taken once, in the order of first use, or a
// thread would only wait on another's call_once.
void KernelCache::compileAll(const std::vector<Kernel*>& declared,
                             const std::function<void(int done, int total)>& progress) {
  std::vector<Kernel*> kernels;
  std::unordered_set<const Kernel*> seen;
  for (Kernel* k : declared) {
    if (seen.insert(k).second) kernels.push_back(k);
  }
  if (kernels.empty()) return;
  const Stopwatch waited;
  int done = 0;
  std::exception_ptr error;
  try {
    util::parallelFor(
        kernels.size(), [&](size_t i) { compile(*kernels[i]); },
        [&](size_t) {
          if (progress) progress(++done, int(kernels.size()));
        });
  } catch (...) {
    error = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wallMs_ += waited.ms();
  }
  if (error) std::rethrow_exception(error);
}

KernelCache::CompileTogether::CompileTogether(KernelCache& cache)
    : cache_(cache), outer_(openGroup) {
  openGroup = this;
}

KernelCache::CompileTogether::~CompileTogether() {
  if (active_) openGroup = outer_;
}

void KernelCache::CompileTogether::finish(const std::function<void(int, int)>& progress) {
  openGroup = outer_;
  active_ = false;
  if (outer_ && &outer_->cache_ == &cache_) {  // nested: the outer group creates them
    outer_->declared_.insert(outer_->declared_.end(), declared_.begin(), declared_.end());
    return;
  }
  cache_.compileAll(declared_, progress);
}

KernelCacheStats KernelCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  KernelCacheStats s;
  s.pipelines = static_cast<int>(kernels_.size());
  s.shaderModules = static_cast<int>(modules_.size());
  s.compileMs = compileMs_;
  s.wallMs = wallMs_;
  s.created = created_.size();
  if (cache_ != VK_NULL_HANDLE) {
    vkGetPipelineCacheData(device_, cache_, &s.cacheBytes, nullptr);
  }
  return s;
}

std::vector<PipelineCreation> KernelCache::createdSince(size_t count) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {created_.begin() + std::min(count, created_.size()), created_.end()};
}

std::string describe(const KernelKey& key) {
  std::string s = key.shader + " [";
  for (size_t i = 0; i < key.localSize.size(); ++i)
    s += (i ? "," : "") + std::to_string(key.localSize[i]);
  for (size_t i = 0; i < key.constants.size(); ++i)
    s += (i ? "," : "; ") + std::to_string(key.constants[i]);
  return s + "]";
}

}  // namespace vkc::vk
