#pragma once
// The workgroup ("shared") memory a compute shader declares, read from its SPIR-V: what the
// device's maxComputeSharedMemorySize bounds (DeviceInfo::maxSharedMemoryBytes).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vkc::vk {

// Bytes of every Workgroup-storage variable of the SPIR-V module `words`, the sizes of their
// types summed without padding. Array lengths may be specialization constants (e.g.
// `shared float x[gl_WorkGroupSize.x]`): constant_id i takes specValues[i] where there is one,
// else the shader's default, as VkSpecializationInfo entries {i, 4 * i, 4} give them. Throws
// vkc::Error for a module that is not SPIR-V, or a shared variable whose size it cannot work
// out.
uint64_t workgroupMemoryBytes(const uint32_t* words, size_t wordCount,
                              const std::vector<uint32_t>& specValues);

}  // namespace vkc::vk
