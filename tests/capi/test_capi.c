/* The C API from C (built -std=c11 -Wall -Werror): version, devices, the bundled model loaded
 * from its file and from memory, running floats and classifying a file, and that every misuse
 * is a status with a message naming the argument, never a crash.
 * Usage: test_capi ASSETS_DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "vkception/vkception.h"

static int failures = 0;

#define CHECK(cond)                                                                            \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
              vkc_last_error());                                                               \
      ++failures;                                                                              \
    }                                                                                          \
  } while (0)

/* A failing call: the expected status and a message containing `needle`. */
#define CHECK_FAILS(call, status, needle)              \
  do {                                                 \
    CHECK((call) == (status));                         \
    CHECK(strstr(vkc_last_error(), (needle)) != NULL); \
  } while (0)

/* max |a - b| over n values, INFINITY when any value is NaN or infinite: the suite's one
 * comparison (tests/support/compare.hpp), for which `!=` and memcmp would pass a NaN. */
static double max_difference(const float* a, const float* b, size_t n) {
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!isfinite(a[i]) || !isfinite(b[i])) return INFINITY;
    const double d = (double)a[i] - (double)b[i];
    if ((d < 0 ? -d : d) > worst) worst = d < 0 ? -d : d;
  }
  return worst;
}

static char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* data = malloc((size_t)n);
  *size = fread(data, 1, (size_t)n, f);
  fclose(f);
  return data;
}

static int message_in_thread_is_empty(void* unused) {
  (void)unused;
  return vkc_last_error()[0] == '\0'; /* another thread's failure is not this one's */
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s ASSETS_DIR\n", argv[0]);
    return 2;
  }
  char weights[4096], sample[4096], labels[4096];
  snprintf(weights, sizeof weights, "%s/fashion_mnist_irv2.safetensors", argv[1]);
  snprintf(sample, sizeof sample, "%s/samples/01_trouser.png", argv[1]);
  snprintf(labels, sizeof labels, "%s/fashion_mnist_labels.txt", argv[1]);

  CHECK(strcmp(vkc_version(), VKC_EXPECTED_VERSION) == 0);

  int devices = 0, defaults = 0;
  CHECK(vkc_device_count(&devices) == VKC_OK);
  CHECK(devices >= 1);
  for (int i = 0; i < devices; ++i) {
    vkc_device_info info;
    CHECK(vkc_device_get(i, &info) == VKC_OK);
    CHECK(info.index == i && info.name[0] != '\0' && info.memory_bytes > 0);
    defaults += info.is_default;
  }
  CHECK(defaults == 1);
  vkc_device_info none;
  CHECK_FAILS(vkc_device_get(devices, &none), VKC_ERROR_BAD_ARGUMENT, "device index");
  CHECK_FAILS(vkc_device_count(NULL), VKC_ERROR_BAD_ARGUMENT, "count is NULL");

  vkc_context* ctx = NULL;
  CHECK_FAILS(vkc_context_create(devices + 5, 0, &ctx), VKC_ERROR_BAD_ARGUMENT, "does not exist");
  CHECK(ctx == NULL);
  thrd_t thread;
  int empty = 0;
  CHECK(thrd_create(&thread, message_in_thread_is_empty, NULL) == thrd_success);
  CHECK(thrd_join(thread, &empty) == thrd_success && empty == 1);

  CHECK(vkc_context_create(-1, VKC_CONTEXT_VALIDATION, &ctx) == VKC_OK);
  if (!ctx) return 1;
  vkc_network* net = NULL;
  CHECK_FAILS(vkc_network_load(ctx, "inception_v5", NULL, VKC_PRECISION_FP32, &net),
              VKC_ERROR_BAD_ARGUMENT, "inception_v5");
  CHECK_FAILS(
      vkc_network_load(ctx, "inception_v4", "/nonexistent.safetensors", VKC_PRECISION_FP32, &net),
      VKC_ERROR_BAD_INPUT_FILE, "/nonexistent.safetensors");
  CHECK_FAILS(vkc_network_load(ctx, NULL, weights, VKC_PRECISION_FP32, &net),
              VKC_ERROR_BAD_ARGUMENT, "model is NULL");
  CHECK(net == NULL);
  CHECK(vkc_network_load(ctx, "inception_resnet_v2", weights, VKC_PRECISION_FP32, &net) == VKC_OK);
  if (!net) return 1;
  int size = 0, classes = 0;
  CHECK(vkc_network_shape(net, &size, &classes) == VKC_OK);
  CHECK(size == 75 && classes == 10); /* from the file's metadata */

  vkc_prediction top[5];
  int count = 0;
  CHECK(vkc_network_classify_file(net, sample, 5, top, &count) == VKC_OK);
  CHECK(count == 5);
  CHECK(strcmp(top[0].label, "Trouser") == 0 && top[0].class_index == 1);
  float sum = 0;
  for (int i = 0; i < count; ++i) {
    sum += top[i].probability;
    if (i > 0) CHECK(top[i].probability <= top[i - 1].probability);
  }
  CHECK(sum > 0.5f && sum <= 1.0f + 1e-6f);
  CHECK_FAILS(vkc_network_classify_file(net, labels, 5, top, &count), VKC_ERROR_BAD_INPUT_FILE,
              labels);
  CHECK_FAILS(vkc_network_classify_file(net, sample, 0, top, &count), VKC_ERROR_BAD_ARGUMENT,
              "top");

  /* The same input through the file-loaded and the memory-loaded network: identical logits. */
  const size_t per_image = (size_t)3 * size * size;
  float* input = malloc(2 * per_image * sizeof(float));
  for (size_t i = 0; i < 2 * per_image; ++i)
    input[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
  float logits[20], again[20];
  CHECK(vkc_network_run(net, input, 2, logits, 20) == VKC_OK);
  /* Different images, different logits (10 per image): rows apart by far more than rounding. */
  CHECK(max_difference(logits, logits + 10, 10) > 1e-3 &&
        max_difference(logits, logits + 10, 10) < INFINITY);
  CHECK_FAILS(vkc_network_run(net, input, 2, logits, 19), VKC_ERROR_BAD_ARGUMENT,
              "logits_capacity");
  CHECK_FAILS(vkc_network_run(net, NULL, 1, logits, 20), VKC_ERROR_BAD_ARGUMENT, "input is NULL");
  CHECK_FAILS(vkc_network_run(net, input, 0, logits, 20), VKC_ERROR_BAD_ARGUMENT, "batch");

  size_t bytes = 0;
  char* file = read_file(weights, &bytes);
  CHECK(file != NULL);
  vkc_network* from_memory = NULL;
  CHECK(vkc_network_load_memory(ctx, "inception_resnet_v2", file, bytes, labels, VKC_PRECISION_FP32,
                                &from_memory) == VKC_OK);
  vkc_network* truncated = NULL;
  CHECK_FAILS(vkc_network_load_memory(ctx, "inception_resnet_v2", file, 64, NULL,
                                      VKC_PRECISION_FP32, &truncated),
              VKC_ERROR_BAD_INPUT_FILE, "weights in memory");
  CHECK(truncated == NULL);
  free(file);
  if (from_memory) {
    CHECK(vkc_network_run(from_memory, input, 2, again, 20) == VKC_OK);
    CHECK(max_difference(logits, again, 20) == 0.0); /* identical, and finite */
  }

  /* 8-bit images: a preprocessed synthetic picture runs and differs from a flat one. */
  uint8_t rgb[40 * 30 * 3], pixels[2 * 75 * 75 * 3];
  for (size_t i = 0; i < sizeof rgb; ++i)
    rgb[i] = (uint8_t)(i * 13);
  CHECK(vkc_network_preprocess(net, rgb, 40, 30, pixels, sizeof pixels) == VKC_OK);
  memset(pixels + per_image, 128, per_image);
  CHECK(vkc_network_run_rgb8(net, pixels, 2, logits, 20) == VKC_OK);
  CHECK(max_difference(logits, logits + 10, 10) > 1e-3 &&
        max_difference(logits, logits + 10, 10) < INFINITY);
  CHECK_FAILS(vkc_network_preprocess(net, rgb, 4, 4, pixels, sizeof pixels), VKC_ERROR_BAD_ARGUMENT,
              "too small");
  CHECK_FAILS(vkc_network_preprocess(net, rgb, 40, 30, pixels, 100), VKC_ERROR_BAD_ARGUMENT,
              "pixels_capacity");
  free(input);

  int messages = -1;
  CHECK(vkc_context_validation_messages(ctx, &messages) == VKC_OK && messages == 0);
  vkc_network_destroy(from_memory);
  vkc_network_destroy(net);
  vkc_network_destroy(NULL);
  vkc_context_destroy(ctx);
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("C API: all checks passed\n");
  return failures ? 1 : 0;
}
