#pragma once
// The Vulkan instance, with optional Khronos validation (synchronization validation included)
// whose messages are counted so tests can fail on any of them, from vkCreateInstance to the end
// of vkDestroyInstance.
#include <vulkan/vulkan.h>

#include <atomic>
#include <string>
#include <vector>

namespace vkc::vk {

struct InstanceOptions {
  // Enable VK_LAYER_KHRONOS_validation; error if it is missing. (VKC_VALIDATION=1 turns it on
  // for every instance the API makes, src/api/environment.hpp.)
  bool validation = false;
  bool printValidation = true;  // print each validation message to stderr
};

class Instance {
 public:
  explicit Instance(const InstanceOptions& options = {});
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  VkInstance handle() const { return instance_; }
  // Whether the validation layer is on (InstanceOptions::validation).
  bool validation() const { return validation_; }
  // Validation warnings and errors seen so far (performance hints are not counted).
  int validationMessageCount() const { return messages_.load(); }
  std::string lastValidationMessage() const;
  // Messages of every instance of the process, counted past the instance's end: a leak reported
  // at vkDestroyDevice arrives while the Device (and its Instance) is being torn down.
  static int processValidationMessageCount();
  static std::string processLastValidationMessage();

 private:
  static VKAPI_ATTR VkBool32 VKAPI_CALL onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                  VkDebugUtilsMessageTypeFlagsEXT types,
                                                  const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                  void* self);
  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  std::atomic<int> messages_{0};
  bool validation_ = false;
  bool print_ = true;
  std::string lastMessage_;
};

}  // namespace vkc::vk
