#include "common/args.hpp"
#include "common/cli.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-classify [options] IMAGE|DIR...\n"
    "       vkc-classify --model NAME --weights FILE --input-tensor IN --save-logits OUT\n"
    "Classifies images with an Inception network on a Vulkan GPU (or the CPU driver lavapipe).\n"
    "With no --model and no --weights it uses the bundled Fashion-MNIST model.\n\n"
    "  --model NAME         inception_v4, inception_resnet_v2, inception_resnet_v1, inception_v3\n"
    "  --weights FILE       .safetensors weights (timm / facenet-pytorch tensor names)\n"
    "  --labels FILE        class names, one per line (default: bundled for known models)\n"
    "  --top K              labels printed per image (default 5)\n"
    "  --batch N            images per GPU submit (default 8)\n"
    "  --size S             input size (default: the model's, e.g. 299)\n"
    "  --device N           Vulkan device index (see vkc-info; default: best, or VKC_DEVICE)\n"
    "  --precision P        fp32 (default) or fp16 weights and activations\n"
    "  --json               one JSON object per image (JSON Lines)\n"
    "  --input-tensor FILE  raw little-endian float32 NCHW input instead of images\n"
    "                       (batch = file size / (3 x S x S x 4))\n"
    "  --save-logits FILE   write raw float32 [N, classes] logits (before softmax)\n"
    "  --start MODE         at-once: compact kernels that compile in seconds (slower to run);\n"
    "                       specialised: kernels tuned per layer (a minute to compile on\n"
    "                       lavapipe); auto (default): at-once for up to 16 images\n"
    "  --help, --version\n"
    "Exit status: 0 ok, 1 some input failed, 2 usage error.\n";

}  // namespace

int parseClassifyArgs(int argc, char** argv, ClassifyOptions& o) {
  ArgParser args("vkc-classify", kUsage);
  for (auto [flag, target] : {std::pair{"--model", &o.model},
                              {"--weights", &o.weights},
                              {"--labels", &o.labels},
                              {"--input-tensor", &o.inputTensor},
                              {"--save-logits", &o.saveLogits}}) {
    args.text(flag, target);
  }
  args.choice("--precision", &o.precision, {"fp32", "fp16"});
  args.choice("--start", &o.start, {"auto", "at-once", "specialised"});
  args.positiveInt("--top", &o.top);
  args.positiveInt("--batch", &o.batch);
  args.positiveInt("--size", &o.size);
  args.nonNegativeInt("--device", &o.device);
  args.toggle("--json", &o.json);
  args.positional(&o.inputs);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (o.inputs.empty() && o.inputTensor.empty()) return args.usageError("no images given");
  if (!o.inputs.empty() && !o.inputTensor.empty()) {
    return args.usageError("give images or --input-tensor, not both");
  }
  return -1;
}

}  // namespace vkc::app
