#pragma once
// One validated Vulkan device shared by all tests (creating one per test is slow on lavapipe).
#include <memory>
#include <optional>
#include <string>

#include "vk/device.hpp"

namespace vkc::test {

// `options` with the process's VKC_* variables applied as a Context applies them
// (src/api/environment.hpp: explicit options win), so that VKC_READS, VKC_LIMITS,
// VKC_CONV_KERNEL, VKC_VALIDATION (set by test_main.cpp) ... reach every device a test makes.
vk::DeviceOptions withEnvironment(vk::DeviceOptions options);
// A device of its own, made with withEnvironment(options).
std::unique_ptr<vk::Device> makeDevice(const vk::DeviceOptions& options);

// Created on first use with validation on, through withEnvironment. Op-test variants
// (op_variants.hpp) get their own: every read through storage buffers, the device read at the
// Vulkan 1.1 minimum limits, and/or texel reads through uniform texel buffers (the GPU path) where
// the policy would take storage texel buffers; a convolution kernel family forced
// (DeviceOptions::convKernel), and K split into `splitK` slices wherever it can be
// (DeviceOptions::convSplitK).
vk::Device& sharedDevice(bool storageReads = false, bool minimumLimits = false,
                         bool uniformTexels = false,
                         std::optional<vk::ConvKernel> convKernel = std::nullopt, int splitK = 0);
// Validation messages of every Vulkan instance the test binary made (process-wide), so that the
// listener in test_main.cpp also sees messages of tests' own Contexts, including leaks that the
// object tracker reports at vkDestroyDevice.
int validationMessages();
std::string lastValidationMessage();
void releaseSharedDevice();

}  // namespace vkc::test
