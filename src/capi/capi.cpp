// The C API (include/vkception/vkception.h): each call forwards to the C++ API and turns any
// exception into a status and this thread's message.
#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include <nlohmann/json.hpp>

#include "vkception/self_test.hpp"
#include "vkception/vkception.h"
#include "vkception/vkception.hpp"

struct vkc_context {
  vkc::Context context;
};
struct vkc_network {
  vkc::Network network;
};

namespace {

thread_local std::string lastError;

vkc_status fail(vkc_status status, const std::string& message) {
  lastError = message;
  return status;
}

// vkc_status lists vkc::ErrorCode's kinds in the same order after VKC_OK.
static_assert(int(vkc::ErrorCode::Unknown) + 1 == VKC_ERROR_UNKNOWN);
static_assert(int(vkc::ErrorCode::BadInputFile) + 1 == VKC_ERROR_BAD_INPUT_FILE);
static_assert(int(vkc::ErrorCode::DeviceLost) + 1 == VKC_ERROR_DEVICE_LOST);
static_assert(int(vkc::ErrorCode::VulkanFailure) + 1 == VKC_ERROR_VULKAN);

vkc_status statusOf(vkc::ErrorCode code) {
  return static_cast<vkc_status>(static_cast<int>(code) + 1);
}

// Runs `work`, mapping every exception to a status; `what` names the call in messages.
template <typename F>
vkc_status guarded(const char* what, F&& work) {
  try {
    work();
    return VKC_OK;
  } catch (const vkc::Error& e) {
    return fail(statusOf(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return fail(VKC_ERROR_OUT_OF_MEMORY, std::string(what) + ": out of host memory");
  } catch (const std::exception& e) {
    return fail(VKC_ERROR_UNKNOWN, std::string(what) + ": " + e.what());
  } catch (...) {
    return fail(VKC_ERROR_UNKNOWN, std::string(what) + ": unknown failure");
  }
}

// Throws BadArgument naming `argument` of `call` when `pointer` is null.
void require(const void* pointer, const char* call, const char* argument) {
  if (pointer == nullptr) {
    throw vkc::Error(std::string(call) + ": " + argument + " is NULL", vkc::ErrorCode::BadArgument);
  }
}

template <size_t N>
void copyText(char (&out)[N], const std::string& text) {
  const size_t n = std::min(text.size(), N - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

vkc::Precision precisionOf(vkc_precision p, const char* call) {
  if (p == VKC_PRECISION_FP32) return vkc::Precision::Fp32;
  if (p == VKC_PRECISION_FP16) return vkc::Precision::Fp16;
  throw vkc::Error(std::string(call) + ": precision " + std::to_string(int(p)) +
                       " is neither VKC_PRECISION_FP32 nor VKC_PRECISION_FP16",
                   vkc::ErrorCode::BadArgument);
}

// The logits of `batch` images fit `capacity` floats.
void requireLogitsRoom(const vkc::Network& net, int batch, size_t capacity, const char* call) {
  if (batch < 1) {
    throw vkc::Error(std::string(call) + ": batch must be at least 1, got " + std::to_string(batch),
                     vkc::ErrorCode::BadArgument);
  }
  const size_t needed = size_t(batch) * net.numClasses();
  if (capacity < needed) {
    throw vkc::Error(std::string(call) + ": logits_capacity " + std::to_string(capacity) +
                         " is less than batch x classes = " + std::to_string(needed),
                     vkc::ErrorCode::BadArgument);
  }
}

}  // namespace

extern "C" {

const char* vkc_version(void) {
  return VKC_VERSION;
}

const char* vkc_last_error(void) {
  return lastError.c_str();
}

vkc_status vkc_device_count(int* count) {
  return guarded("vkc_device_count", [&] {
    require(count, "vkc_device_count", "count");
    *count = static_cast<int>(vkc::devices().size());
  });
}

vkc_status vkc_device_get(int index, vkc_device_info* info) {
  return guarded("vkc_device_get", [&] {
    require(info, "vkc_device_get", "info");
    const std::vector<vkc::DeviceDescription> all = vkc::devices();
    if (index < 0 || size_t(index) >= all.size()) {
      throw vkc::Error("vkc_device_get: device index " + std::to_string(index) +
                           " does not exist (" + std::to_string(all.size()) + " device(s))",
                       vkc::ErrorCode::BadArgument);
    }
    const vkc::DeviceDescription& d = all[index];
    *info = vkc_device_info{};
    info->index = d.index;
    copyText(info->name, d.name);
    copyText(info->type, d.type);
    copyText(info->vendor, d.vendor);
    copyText(info->driver, d.driver);
    info->memory_bytes = d.memoryBytes;
    info->fp16 = d.fp16;
    info->is_default = d.isDefault;
  });
}

vkc_status vkc_context_create(int device, unsigned flags, vkc_context** context) {
  return guarded("vkc_context_create", [&] {
    require(context, "vkc_context_create", "context");
    *context = nullptr;
    if (flags & ~VKC_CONTEXT_VALIDATION) {
      throw vkc::Error("vkc_context_create: unknown flags " + std::to_string(flags),
                       vkc::ErrorCode::BadArgument);
    }
    vkc::ContextOptions options;
    options.device = device;
    options.validation = (flags & VKC_CONTEXT_VALIDATION) != 0;
    *context = new vkc_context{vkc::Context(options)};
  });
}

vkc_status vkc_context_validation_messages(const vkc_context* context, int* count) {
  return guarded("vkc_context_validation_messages", [&] {
    require(context, "vkc_context_validation_messages", "context");
    require(count, "vkc_context_validation_messages", "count");
    *count = context->context.validationMessageCount();
  });
}

vkc_status vkc_context_self_test(vkc_context* context, int* failed, char* report,
                                 size_t capacity) {
  return guarded("vkc_context_self_test", [&] {
    require(context, "vkc_context_self_test", "context");
    require(failed, "vkc_context_self_test", "failed");
    const vkc::SelfTestReport r = vkc::selfTest(context->context);
    *failed = 0;
    nlohmann::json out{{"device", r.device},
                       {"driver", r.driver},
                       {"passed", r.passed()},
                       {"variants", nlohmann::json::array()}};
    for (const vkc::VariantResult& v : r.variants) {
      *failed += v.status == vkc::VariantStatus::Failed;
      out["variants"].push_back({{"name", v.name},
                                 {"status", vkc::variantStatusName(v.status)},
                                 {"max_error", v.maxError},
                                 {"reason", v.reason}});
    }
    if (report && capacity > 0) {
      const std::string text = out.dump();
      const size_t n = std::min(text.size(), capacity - 1);
      std::memcpy(report, text.data(), n);
      report[n] = '\0';
    }
  });
}

void vkc_context_destroy(vkc_context* context) {
  delete context;
}

vkc_status vkc_network_load(vkc_context* context, const char* model, const char* weights_path,
                            vkc_precision precision, vkc_network** network) {
  return guarded("vkc_network_load", [&] {
    require(network, "vkc_network_load", "network");
    *network = nullptr;
    require(context, "vkc_network_load", "context");
    require(model, "vkc_network_load", "model");
    vkc::NetworkOptions options;
    options.weights = weights_path ? weights_path : "";
    options.precision = precisionOf(precision, "vkc_network_load");
    *network = new vkc_network{vkc::Network::load(context->context, model, options)};
  });
}

vkc_status vkc_network_load_memory(vkc_context* context, const char* model, const void* weights,
                                   size_t size, const char* labels_path, vkc_precision precision,
                                   vkc_network** network) {
  return guarded("vkc_network_load_memory", [&] {
    require(network, "vkc_network_load_memory", "network");
    *network = nullptr;
    require(context, "vkc_network_load_memory", "context");
    require(model, "vkc_network_load_memory", "model");
    require(weights, "vkc_network_load_memory", "weights");
    vkc::NetworkOptions options;
    options.labels = labels_path ? labels_path : "";
    options.precision = precisionOf(precision, "vkc_network_load_memory");
    *network = new vkc_network{vkc::Network::load(context->context, model, weights, size, options)};
  });
}

void vkc_network_destroy(vkc_network* network) {
  delete network;
}

vkc_status vkc_network_shape(const vkc_network* network, int* input_size, int* classes) {
  return guarded("vkc_network_shape", [&] {
    require(network, "vkc_network_shape", "network");
    if (input_size) *input_size = network->network.inputSize();
    if (classes) *classes = network->network.numClasses();
  });
}

vkc_status vkc_network_run(vkc_network* network, const float* input, int batch, float* logits,
                           size_t logits_capacity) {
  return guarded("vkc_network_run", [&] {
    require(network, "vkc_network_run", "network");
    require(input, "vkc_network_run", "input");
    require(logits, "vkc_network_run", "logits");
    requireLogitsRoom(network->network, batch, logits_capacity, "vkc_network_run");
    network->network.run(input, batch, logits);
  });
}

vkc_status vkc_network_run_rgb8(vkc_network* network, const uint8_t* pixels, int batch,
                                float* logits, size_t logits_capacity) {
  return guarded("vkc_network_run_rgb8", [&] {
    require(network, "vkc_network_run_rgb8", "network");
    require(pixels, "vkc_network_run_rgb8", "pixels");
    require(logits, "vkc_network_run_rgb8", "logits");
    requireLogitsRoom(network->network, batch, logits_capacity, "vkc_network_run_rgb8");
    network->network.runImages(pixels, batch, logits);
  });
}

vkc_status vkc_network_preprocess(const vkc_network* network, const uint8_t* rgb, int width,
                                  int height, uint8_t* pixels, size_t pixels_capacity) {
  return guarded("vkc_network_preprocess", [&] {
    require(network, "vkc_network_preprocess", "network");
    require(rgb, "vkc_network_preprocess", "rgb");
    require(pixels, "vkc_network_preprocess", "pixels");
    if (width < 1 || height < 1) {
      throw vkc::Error("vkc_network_preprocess: image size " + std::to_string(width) + "x" +
                           std::to_string(height) + " must be positive",
                       vkc::ErrorCode::BadArgument);
    }
    const int s = network->network.inputSize();
    const size_t needed = size_t(s) * s * 3;
    if (pixels_capacity < needed) {
      throw vkc::Error("vkc_network_preprocess: pixels_capacity " +
                           std::to_string(pixels_capacity) +
                           " is less than S x S x 3 = " + std::to_string(needed),
                       vkc::ErrorCode::BadArgument);
    }
    vkc::Image image;
    image.width = width;
    image.height = height;
    image.rgb.assign(rgb, rgb + size_t(width) * height * 3);
    const std::vector<uint8_t> out = network->network.preprocess(image);
    std::memcpy(pixels, out.data(), out.size());
  });
}

vkc_status vkc_network_classify_file(vkc_network* network, const char* path, int top,
                                     vkc_prediction* predictions, int* count) {
  return guarded("vkc_network_classify_file", [&] {
    require(count, "vkc_network_classify_file", "count");
    *count = 0;
    require(network, "vkc_network_classify_file", "network");
    require(path, "vkc_network_classify_file", "path");
    require(predictions, "vkc_network_classify_file", "predictions");
    const std::vector<vkc::Prediction> found = network->network.classifyFile(path, top);
    for (size_t i = 0; i < found.size(); ++i) {
      predictions[i] = vkc_prediction{};
      predictions[i].class_index = found[i].classIndex;
      predictions[i].probability = found[i].probability;
      copyText(predictions[i].label, found[i].label);
    }
    *count = static_cast<int>(found.size());
  });
}

}  // extern "C"
