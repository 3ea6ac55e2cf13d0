/* vkception's C API: the C++ library (vkception.hpp) behind opaque handles, for C, JNI and
 * other FFIs. Every call returns VKC_OK or an error status; vkc_last_error() then holds a
 * message naming the file or argument and the problem (per thread, until that thread's next
 * failing call). No call aborts or throws across the boundary.
 *
 *   vkc_context* ctx; vkc_network* net;
 *   vkc_context_create(-1, 0, &ctx);
 *   vkc_network_load(ctx, "inception_resnet_v2", "fashion_mnist_irv2.safetensors",
 *                    VKC_PRECISION_FP32, &net);
 *   vkc_prediction top[5]; int n;
 *   vkc_network_classify_file(net, "shoe.png", 5, top, &n);
 *   vkc_network_destroy(net); vkc_context_destroy(ctx);
 *
 * Threads: as the C++ API (a network used by one thread at a time; networks on one context may
 * run concurrently). A network must be destroyed before its context. */
#ifndef VKCEPTION_H
#define VKCEPTION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kinds of vkc::ErrorCode, in the same order. */
typedef enum vkc_status {
  VKC_OK = 0,
  VKC_ERROR_UNKNOWN = 1,
  VKC_ERROR_BAD_ARGUMENT = 2,       /* a caller's value out of range, a null pointer */
  VKC_ERROR_BAD_INPUT_FILE = 3,     /* a weights, image or label file that cannot be used */
  VKC_ERROR_UNSUPPORTED_DEVICE = 4, /* no Vulkan driver/device, or one lacking a feature */
  VKC_ERROR_OUT_OF_MEMORY = 5,
  VKC_ERROR_DEVICE_LOST = 6, /* the context and its networks are unusable */
  VKC_ERROR_VULKAN = 7       /* any other failing Vulkan call */
} vkc_status;

typedef enum vkc_precision { VKC_PRECISION_FP32 = 0, VKC_PRECISION_FP16 = 1 } vkc_precision;

typedef struct vkc_context vkc_context;
typedef struct vkc_network vkc_network;

/* "MAJOR.MINOR.PATCH"; a static string. */
const char* vkc_version(void);
/* The message of this thread's last failing call ("" if none yet); successful calls leave it
 * as it is. The pointer is valid until this thread's next failing call. */
const char* vkc_last_error(void);

typedef struct vkc_device_info {
  int index; /* for vkc_context_create */
  char name[256];
  char type[16]; /* "discrete", "integrated", "virtual", "cpu", "other" */
  char vendor[32];
  char driver[256];
  uint64_t memory_bytes; /* largest device-local heap */
  int fp16;              /* 1: VKC_PRECISION_FP16 can run here */
  int is_default;        /* 1: what device index -1 picks */
} vkc_device_info;

vkc_status vkc_device_count(int* count);
vkc_status vkc_device_get(int index, vkc_device_info* info);

/* device: an index from vkc_device_get, or -1 for VKC_DEVICE or the best device. */
#define VKC_CONTEXT_VALIDATION 1u /* the Khronos validation layer (debugging, tests) */
vkc_status vkc_context_create(int device, unsigned flags, vkc_context** context);
/* Messages the validation layer reported on this context (VKC_CONTEXT_VALIDATION). */
vkc_status vkc_context_validation_messages(const vkc_context* context, int* count);
void vkc_context_destroy(vkc_context* context); /* NULL is ignored */
/* The on-device self-test (vkception/self_test.hpp): every kernel variant the context's device
 * may use, against a double-precision reference. *failed: how many variants failed (the context
 * avoids them from now on). report, when not NULL: the vkc-info --self-test --json object,
 * NUL-terminated, cut to capacity - 1 bytes. */
vkc_status vkc_context_self_test(vkc_context* context, int* failed, char* report,
                                 size_t capacity);

/* weights_path: a .safetensors file, or NULL for the deterministic test weights. */
vkc_status vkc_network_load(vkc_context* context, const char* model, const char* weights_path,
                            vkc_precision precision, vkc_network** network);
/* Weights as safetensors bytes in memory (e.g. an Android asset), copied; labels_path may be
 * NULL (predictions then carry class indices as labels). */
vkc_status vkc_network_load_memory(vkc_context* context, const char* model, const void* weights,
                                   size_t size, const char* labels_path, vkc_precision precision,
                                   vkc_network** network);
void vkc_network_destroy(vkc_network* network); /* NULL is ignored */

/* Input side S (images are S x S) and the number of classes. Either pointer may be NULL. */
vkc_status vkc_network_shape(const vkc_network* network, int* input_size, int* classes);

/* input: batch x 3 x S x S floats (NCHW, normalised); logits: room for logits_capacity floats,
 * at least batch x classes. */
vkc_status vkc_network_run(vkc_network* network, const float* input, int batch, float* logits,
                           size_t logits_capacity);
/* pixels: batch images of S x S interleaved 8-bit RGB, already resized/cropped (see
 * vkc_network_preprocess); normalised on the GPU as the model expects. */
vkc_status vkc_network_run_rgb8(vkc_network* network, const uint8_t* pixels, int batch,
                                float* logits, size_t logits_capacity);
/* An image of width x height interleaved RGB resized/cropped as the model expects into
 * `pixels` (room for S x S x 3 bytes). */
vkc_status vkc_network_preprocess(const vkc_network* network, const uint8_t* rgb, int width,
                                  int height, uint8_t* pixels, size_t pixels_capacity);

typedef struct vkc_prediction {
  int class_index;
  float probability; /* softmax */
  char label[128];   /* class name (truncated to fit), or the index as text */
} vkc_prediction;

/* Decodes, preprocesses and classifies one PNG/JPEG/BMP file: the `top` most probable classes,
 * highest first, into `predictions` (room for `top`); *count gets how many were written
 * (min(top, classes)). What vkc-classify prints. */
vkc_status vkc_network_classify_file(vkc_network* network, const char* path, int top,
                                     vkc_prediction* predictions, int* count);

#ifdef __cplusplus
}
#endif

#endif /* VKCEPTION_H */
