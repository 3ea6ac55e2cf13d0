// Classifies images with vkception's C++ API, as vkc-classify does: the model's own
// preprocessing, then each image's top 5 classes, one line each:
//   IMAGE <tab> CLASS <tab> PROBABILITY <tab> LABEL
// Usage: classify MODEL WEIGHTS.safetensors IMAGE...
#include <vkception/vkception.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL WEIGHTS.safetensors IMAGE...\n", argv[0]);
    return 2;
  }
  try {
    vkc::Context context;  // the best Vulkan device (or VKC_DEVICE)
    vkc::NetworkOptions options;
    options.weights = argv[2];
    vkc::Network net = vkc::Network::load(context, argv[1], options);
    for (int i = 3; i < argc; ++i) {
      for (const vkc::Prediction& p : net.classifyFile(argv[i], 5)) {
        std::printf("%s\t%d\t%.7f\t%s\n", argv[i], p.classIndex, p.probability, p.label.c_str());
      }
    }
  } catch (const vkc::Error& e) {  // the message names the file or argument
    std::fprintf(stderr, "classify: %s\n", e.what());
    return 1;
  }
  return 0;
}
