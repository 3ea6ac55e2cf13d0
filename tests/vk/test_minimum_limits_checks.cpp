// Validation is on for every device the test binary makes, whatever its options say
// (test_main.cpp sets VKC_VALIDATION=1, which support/vulkan_env.hpp applies to every test
// device as a Context applies it); and the Vulkan 1.1 minimum limits that the host checks
// itself: live memory allocations (maxMemoryAllocationCount) and shared memory
// (maxComputeSharedMemorySize).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "api/environment.hpp"
#include "support/scoped_env.hpp"
#include "support/vulkan_env.hpp"
#include "vk/device.hpp"
#include "vk/instance.hpp"
#include "vk/shader_registry.hpp"
#include "vk/spirv_shared_memory.hpp"
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

TEST(ValidationByDefault, TestProcessRequestsIt) {
  EXPECT_TRUE(processEnvironment().validation);
}

TEST(ValidationByDefault, DeviceWithDefaultOptionsIsValidated) {
  vk::DeviceOptions options;  // validation left at its default, as a test may forget it
  options.pipelineCacheOnDisk = false;
  ASSERT_FALSE(options.validation);
  std::unique_ptr<vk::Device> device = makeDevice(options);
  EXPECT_TRUE(device->instance().validation());
}

TEST(ValidationByDefault, ZeroAndUnsetLeaveItToTheOptions) {
  {
    ScopedEnv off("VKC_VALIDATION", "0");
    EXPECT_FALSE(processEnvironment().validation);
  }
  ScopedEnv unset("VKC_VALIDATION", "");
  EXPECT_FALSE(processEnvironment().validation);
  vk::DeviceOptions options;
  options.validation = true;
  EXPECT_TRUE(withEnvironment(options).validation);
  vk::Instance asked(vk::InstanceOptions{true, true});
  EXPECT_TRUE(asked.validation());
}

TEST(ValidationByDefault, OtherValuesAreAnError) {
  ScopedEnv bad("VKC_VALIDATION", "yes");
  try {
    vk::DeviceOptions options;
    options.pipelineCacheOnDisk = false;
    makeDevice(options);
    FAIL() << "VKC_VALIDATION=yes was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadArgument);
    EXPECT_NE(std::string(e.what()).find("VKC_VALIDATION='yes'"), std::string::npos) << e.what();
  }
}

TEST(MinimumLimitsChecks, ClampReportsVulkan11Minimums) {
  vk::DeviceInfo info;
  info.maxMemoryAllocationCount = 4294967295u;
  info.maxSharedMemoryBytes = 65536;
  vk::clampToVulkan11Minimum(info);
  EXPECT_EQ(info.maxMemoryAllocationCount, 4096u);
  EXPECT_EQ(info.maxSharedMemoryBytes, 16384u);
}

TEST(MinimumLimitsChecks, ClampedDeviceReportsAndEnforcesThem) {
  vk::Device& device = sharedDevice(/*storageReads=*/false, /*minimumLimits=*/true);
  ASSERT_TRUE(device.info().minimumLimits);
  EXPECT_EQ(device.info().maxMemoryAllocationCount, 4096u);
  EXPECT_EQ(device.info().maxSharedMemoryBytes, 16384u);
  EXPECT_EQ(device.memory().maxAllocations(), 4096u);
}

TEST(MinimumLimitsChecks, AllocationPastTheCountThrows) {
  vk::Device& device = sharedDevice();
  // An allocator of its own on the shared device, allowed a single VkDeviceMemory.
  vk::MemoryAllocator memory(device.info().handle, device.handle(), false, false, 1);
  EXPECT_EQ(memory.allocationCount(), 0u);
  std::optional<vk::Buffer> first = memory.createBuffer(256, vk::MemoryUsage::DeviceLocal);
  EXPECT_EQ(memory.allocationCount(), 1u);
  // Fits in the first block: no new allocation.
  vk::Buffer second = memory.createBuffer(256, vk::MemoryUsage::DeviceLocal);
  EXPECT_EQ(memory.allocationCount(), 1u);
  try {
    // Larger than what the block has left: it needs a second allocation.
    memory.createBuffer(VkDeviceSize{65} << 20, vk::MemoryUsage::DeviceLocal);
    FAIL() << "a second live allocation was made past maxMemoryAllocationCount 1";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::OutOfMemory);
    EXPECT_NE(std::string(e.what()).find("maxMemoryAllocationCount"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(memory.allocationCount(), 1u);
  // Once the block has gone back to the driver, there is room again.
  first.reset();
  second = vk::Buffer();
  EXPECT_EQ(memory.allocationCount(), 0u);
  vk::Buffer again = memory.createBuffer(256, vk::MemoryUsage::DeviceLocal);
  EXPECT_EQ(memory.allocationCount(), 1u);
}

TEST(MinimumLimitsChecks, EveryShaderHasItsSharedMemorySized) {
  for (const auto& [name, spirv] : vk::embeddedShaders()) {
    EXPECT_NO_THROW(vk::workgroupMemoryBytes(spirv.words, spirv.wordCount, {64, 1, 1})) << name;
  }
  const vk::SpirvBinary& softmax = vk::embeddedShaders().at("softmax");
  // shared float partial[gl_WorkGroupSize.x]
  EXPECT_EQ(vk::workgroupMemoryBytes(softmax.words, softmax.wordCount, {64, 1, 1}), 256u);
  EXPECT_EQ(vk::workgroupMemoryBytes(softmax.words, softmax.wordCount, {128, 1, 1}), 512u);
  const vk::SpirvBinary& copy = vk::embeddedShaders().at("copy_channels");
  EXPECT_EQ(vk::workgroupMemoryBytes(copy.words, copy.wordCount, {64, 1, 1}), 0u);
}

TEST(MinimumLimitsChecks, KernelOverTheSharedMemoryLimitThrows) {
  vk::Device& device = sharedDevice();
  vk::DeviceInfo limits = device.info();
  limits.maxSharedMemoryBytes = 128;
  vk::KernelCache kernels(device.handle(), "", limits, device.policy());
  const vk::KernelKey key{"softmax", {64, 1, 1}, {}, 2, 16};  // 256 bytes of shared memory
  try {
    kernels.get(key);
    FAIL() << "softmax with 256 bytes of shared memory passed a 128-byte limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UnsupportedDevice);
    EXPECT_NE(std::string(e.what()).find("256 bytes of shared memory (maxComputeSharedMemorySize"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace vkc::test
