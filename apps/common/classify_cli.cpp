#include "common/args.hpp"
#include "common/cli.hpp"
#include "common/model_choice.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-classify [options] IMAGE|DIR...\n"
    "       vkc-classify --model NAME --weights FILE --input-tensor IN --save-logits OUT\n"
    "Classifies images with an Inception network on a Vulkan GPU (or the CPU driver lavapipe).\n"
    "With no --model and no --weights it uses the bundled Fashion-MNIST model.\n\n"
    "  --model NAME         inception_v4, inception_resnet_v2, inception_resnet_v1, inception_v3\n"
    "  --weights FILE       .safetensors weights (timm / facenet-pytorch tensor names); needed\n"
    "                       with --model. 'deterministic': untrained test weights, for tests\n"
    "  --labels FILE        class names, one per line (default: bundled for known models)\n"
    "  --top K              labels printed per image (default 5)\n"
    "  --batch N            images per GPU submit (default 8)\n"
    "  --size S             input size (default: the model's, e.g. 299)\n"
    "  --device N           Vulkan device index (see vkc-info; default: best, or VKC_DEVICE)\n"
    "  --precision P        fp32 (default) or fp16 weights and activations\n"
    "  --json               one JSON object per image (JSON Lines)\n"
    "  --no-exif-rotate     classify the pixels as stored, ignoring the EXIF orientation of\n"
    "                       JPEG, PNG and WebP files (default: turned upright as viewers show)\n"
    "  --full-decode        decode JPEGs at full size (default: libjpeg-turbo's DCT scaling to\n"
    "                       1/2, 1/4 or 1/8 where the model's resize needs no more; faster)\n"
    "  --input-tensor FILE  raw little-endian float32 NCHW input instead of images\n"
    "                       (batch = file size / (3 x S x S x 4))\n"
    "  --save-logits FILE   write raw float32 [N, classes] logits (before softmax)\n"
    "  --start MODE         at-once: atOnce kernels that compile in seconds (slower to run);\n"
    "                       specialized: kernels tuned per layer (a minute to compile on\n"
    "                       lavapipe); auto (default): at-once while the images amount to\n"
    "                       at most 16 Inception-v4 images of work\n"
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
  args.choice("--start", &o.start, {"auto", "at-once", "specialized"});
  args.positiveInt("--top", &o.top);
  args.positiveInt("--batch", &o.batch);
  args.positiveInt("--size", &o.size);
  args.nonNegativeInt("--device", &o.device);
  args.toggle("--json", &o.json);
  args.toggle("--no-exif-rotate", &o.noExifRotate);
  args.toggle("--full-decode", &o.fullDecode);
  args.positional(&o.inputs);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (o.inputs.empty() && o.inputTensor.empty()) return args.usageError("no images given");
  if (!o.inputs.empty() && !o.inputTensor.empty()) {
    return args.usageError("give images or --input-tensor, not both");
  }
  if (std::string e = missingWeightsError(o.model, o.weights); !e.empty()) {
    return args.usageError(e);
  }
  return -1;
}

}  // namespace vkc::app
