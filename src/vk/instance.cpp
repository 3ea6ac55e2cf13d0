#include "vk/instance.hpp"

#include <cstdio>
#include <cstring>
#include <mutex>

#include "vk/check.hpp"
#include "vkception/error.hpp"

namespace vkc::vk {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";
constexpr const char* kLoaderMessage = "Loader Message";  // the loader's pMessageIdName
std::atomic<int> processMessages{0};
std::mutex processLastMutex;
std::string processLast;

bool hasInstanceExtension(const char* name) {
  uint32_t count = 0;
  if (vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkExtensionProperties> extensions(count);
  if (vkEnumerateInstanceExtensionProperties(nullptr, &count, extensions.data()) != VK_SUCCESS) {
    return false;
  }
  for (const auto& e : extensions) {
    if (std::strcmp(e.extensionName, name) == 0) return true;
  }
  return false;
}

bool hasLayer(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  for (const auto& layer : layers) {
    if (std::strcmp(layer.layerName, name) == 0) return true;
  }
  return false;
}

}  // namespace

Instance::Instance(const InstanceOptions& options)
    : validation_(options.validation), print_(options.printValidation) {
  uint32_t apiVersion = VK_API_VERSION_1_0;
  if (vkEnumerateInstanceVersion(&apiVersion) != VK_SUCCESS || apiVersion < VK_API_VERSION_1_1) {
    throw Error("Vulkan 1.1 or newer is required; the installed loader offers only 1.0",
                ErrorCode::UnsupportedDevice);
  }

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "vkception";
  app.pEngineName = "vkception";
  app.apiVersion = VK_API_VERSION_1_1;

  std::vector<const char*> layers;
  std::vector<const char*> extensions;
  // Warnings and errors go to onMessage: through the messenger chained into the create info
  // during vkCreateInstance and vkDestroyInstance, through messenger_ in between.
  VkDebugUtilsMessengerCreateInfoEXT messenger{
      VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                              VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger.messageType =
      VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
  messenger.pfnUserCallback = &Instance::onMessage;
  messenger.pUserData = this;
  VkValidationFeatureEnableEXT syncValidation =
      VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT;
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.pNext = &messenger;
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = &syncValidation;

  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  // Portability drivers (MoltenVK on macOS/iOS) are only enumerated when asked for.
  if (hasInstanceExtension("VK_KHR_portability_enumeration")) {
    extensions.push_back("VK_KHR_portability_enumeration");
    info.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  }
  if (validation_) {
    if (!hasLayer(kValidationLayer)) {
      throw Error(std::string(kValidationLayer) +
                      " is not installed (Debian: apt-get install vulkan-validationlayers)",
                  ErrorCode::UnsupportedDevice);
    }
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    info.pNext = &features;
  }
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VkResult result = vkCreateInstance(&info, nullptr, &instance_);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER) {
    throw Error(
        "no Vulkan driver found (vkCreateInstance: VK_ERROR_INCOMPATIBLE_DRIVER); install one, "
        "e.g. Debian's mesa-vulkan-drivers for the CPU driver lavapipe",
        ErrorCode::UnsupportedDevice);
  }
  if (result != VK_SUCCESS) throwVkError("vkCreateInstance", result);

  if (validation_) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    VkResult r = create ? create(instance_, &messenger, nullptr, &messenger_)
                        : VK_ERROR_EXTENSION_NOT_PRESENT;
    if (r != VK_SUCCESS) {
      vkDestroyInstance(instance_, nullptr);
      throwVkError("vkCreateDebugUtilsMessengerEXT", r);
    }
  }
}

Instance::~Instance() {
  // messenger_ must go before the instance; what vkDestroyInstance reports (objects left alive)
  // still reaches onMessage through the messenger chained at creation.
  if (messenger_ != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
}

std::string Instance::lastValidationMessage() const {
  std::lock_guard<std::mutex> lock(processLastMutex);
  return lastMessage_;
}

int Instance::processValidationMessageCount() {
  return processMessages.load();
}

std::string Instance::processLastValidationMessage() {
  std::lock_guard<std::mutex> lock(processLastMutex);
  return processLast;
}

VkBool32 Instance::onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                             VkDebugUtilsMessageTypeFlagsEXT /*types*/,
                             const VkDebugUtilsMessengerCallbackDataEXT* data, void* self) {
  auto* instance = static_cast<Instance*>(self);
  // The loader reports through the same messengers on the drivers and layers it finds (a
  // manifest whose library does not load, e.g. another architecture's): the system's state, not
  // this program's use of Vulkan, so neither counted nor printed.
  if (data && data->pMessageIdName && std::strcmp(data->pMessageIdName, kLoaderMessage) == 0) {
    return VK_FALSE;
  }
  const char* text = data && data->pMessage ? data->pMessage : "(no message)";
  // Layers may call back from any thread that makes Vulkan calls.
  instance->messages_.fetch_add(1);
  processMessages.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(processLastMutex);
    instance->lastMessage_ = text;
    processLast = text;
  }
  if (instance->print_) {
    std::fprintf(stderr, "[vulkan validation %s] %s\n",
                 severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning",
                 text);
  }
  return VK_FALSE;
}

}  // namespace vkc::vk

#ifdef VKC_SANITIZER_BUILD
// Sanitizer builds only (VKC_SANITIZE). The Vulkan loader dlcloses the driver and the validation
// layer at vkDestroyInstance, before LeakSanitizer looks at the process at exit: their leaks
// then show as "<unknown module>" and no suppression can name them. Keeping every shared object
// loaded (a dlclose that does nothing, found before libc's by symbol interposition) keeps their
// frames symbolised, so the suppressions below can name exactly those libraries.
extern "C" int dlclose(void*) {
  return 0;
}

// Built into every binary, so the apps are as quiet under LeakSanitizer as the tests. Each
// entry is a library we do not build and whose allocations we do not own:
extern "C" const char* __lsan_default_suppressions() {
  return
      // Mesa's lavapipe (and the LLVM it compiles shaders with) keep process-wide caches and
      // compiler state allocated on first use and never freed.
      "leak:libvulkan_lvp.so\n"
      "leak:libLLVM-15.so\n"
      // The Khronos validation layer keeps per-process dispatch tables and state trackers.
      "leak:libVkLayer_khronos_validation.so\n"
      // The Vulkan loader's own ICD and layer manifests, parsed once per process.
      "leak:libvulkan.so.1\n";
}

// ThreadSanitizer: the validation layer's own threads and locks (it destroys a lock that its
// worker thread last held, inside vkQueueSubmit / vkDestroy*; it takes its own locks in an order
// that depends on which thread created a pipeline, seen as a lock-order inversion of three
// layer mutexes when pipelines are created on worker threads). Only reports made while running
// the layer's code are hidden: a race on our data, or a cycle through our locks, has our frames,
// and our use of Vulkan objects from several threads is checked by the layer's thread-safety
// validation itself.
extern "C" const char* __tsan_default_suppressions() {
  return "race:libVkLayer_khronos_validation.so\n"
         "deadlock:libVkLayer_khronos_validation.so\n";
}

// A sanitizer report exits with 86, never with a status the apps give meaning to (0 ok, 1 some
// input failed, 2 usage), so a test expecting 1 cannot pass on a report. UBSan's reports carry
// their stack. (Options given in ASAN_OPTIONS / UBSAN_OPTIONS still take precedence.)
extern "C" const char* __asan_default_options() {
  return "exitcode=86";
}
extern "C" const char* __tsan_default_options() {
  return "exitcode=86";
}
extern "C" const char* __ubsan_default_options() {
  return "exitcode=86:print_stacktrace=1";
}
#endif
