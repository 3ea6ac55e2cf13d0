#pragma once
// One validated Vulkan device shared by all tests (creating one per test is slow on lavapipe).
#include "vk/device.hpp"

namespace vkc::test {

vk::Device& sharedDevice();  // created on first use with validation on
bool hasSharedDevice();
int validationMessages();
void releaseSharedDevice();

}  // namespace vkc::test
