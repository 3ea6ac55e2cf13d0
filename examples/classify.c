/* Classifies images with vkception's C API, as vkc-classify does: the model's own
 * preprocessing, then each image's top 5 classes, one line each:
 *   IMAGE <tab> CLASS <tab> PROBABILITY <tab> LABEL
 * Usage: classify_c MODEL WEIGHTS.safetensors IMAGE... */
#include <stdio.h>
#include <vkception/vkception.h>

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s MODEL WEIGHTS.safetensors IMAGE...\n", argv[0]);
    return 2;
  }
  vkc_context* context = NULL;
  vkc_network* net = NULL;
  int rc = 0;
  if (vkc_context_create(-1, 0, &context) != VKC_OK ||
      vkc_network_load(context, argv[1], argv[2], VKC_PRECISION_FP32, &net) != VKC_OK) {
    fprintf(stderr, "classify_c: %s\n", vkc_last_error());
    rc = 1;
  }
  for (int i = 3; i < argc && rc == 0; ++i) {
    vkc_prediction top[5];
    int count = 0;
    if (vkc_network_classify_file(net, argv[i], 5, top, &count) != VKC_OK) {
      fprintf(stderr, "classify_c: %s\n", vkc_last_error());
      rc = 1;
    }
    for (int k = 0; k < count; ++k) {
      printf("%s\t%d\t%.7f\t%s\n", argv[i], top[k].class_index, top[k].probability, top[k].label);
    }
  }
  vkc_network_destroy(net);
  vkc_context_destroy(context);
  return rc;
}
