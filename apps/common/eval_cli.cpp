#include "common/args.hpp"
#include "common/cli.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-eval [options] --idx-images FILE --idx-labels FILE\n"
    "       vkc-eval [options] --dir ROOT\n"
    "Measures top-1/top-5 accuracy (and error), images/s and the most frequent confusions of an\n"
    "Inception network on a labelled set. With no --model and no --weights it uses the bundled\n"
    "Fashion-MNIST model.\n\n"
    "  --idx-images FILE    (Fashion-)MNIST IDX images (N x H x W gray), gzip or plain\n"
    "  --idx-labels FILE    the matching IDX labels (class indices)\n"
    "  --dir ROOT           ImageFolder layout ROOT/<class>/*.png|jpg|...: every class folder\n"
    "                       must be named as a line of the label file ('/' may be written '_')\n"
    "  --model NAME         inception_v4, inception_resnet_v2, inception_resnet_v1, inception_v3\n"
    "  --weights FILE       .safetensors weights (timm / facenet-pytorch tensor names)\n"
    "  --labels FILE        class names, one per line (default: bundled for known models)\n"
    "  --batch N            images per GPU submit (default 32)\n"
    "  --size S             input size (default: the model's, e.g. 299)\n"
    "  --device N           Vulkan device index (see vkc-info; default: best, or VKC_DEVICE)\n"
    "  --limit N            evaluate only the first N images\n"
    "  --json               one JSON object (accuracies as fractions 0..1)\n"
    "  --help, --version\n"
    "Images that cannot be read are reported and skipped. Speed counts the whole loop,\n"
    "preprocessing included (not the model load).\n"
    "Exit status: 0 ok, 1 failure (or some images skipped), 2 usage error.\n";

}  // namespace

int parseEvalArgs(int argc, char** argv, EvalOptions& o) {
  ArgParser args("vkc-eval", kUsage);
  for (auto [flag, target] : {std::pair{"--model", &o.model},
                              {"--weights", &o.weights},
                              {"--labels", &o.labels},
                              {"--idx-images", &o.idxImages},
                              {"--idx-labels", &o.idxLabels},
                              {"--dir", &o.dir}}) {
    args.text(flag, target);
  }
  args.positiveInt("--batch", &o.batch);
  args.positiveInt("--size", &o.size);
  args.positiveInt("--limit", &o.limit);
  args.nonNegativeInt("--device", &o.device);
  args.toggle("--json", &o.json);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  auto usageError = [&](const std::string& message) { return args.usageError(message); };
  const bool idx = !o.idxImages.empty() || !o.idxLabels.empty();
  if (idx && !o.dir.empty()) return usageError("give --idx-images/--idx-labels or --dir, not both");
  if (!idx && o.dir.empty())
    return usageError("no data: give --idx-images and --idx-labels, or --dir");
  if (idx && o.idxImages.empty()) return usageError("--idx-labels needs --idx-images too");
  if (idx && o.idxLabels.empty()) return usageError("--idx-images needs --idx-labels too");
  return -1;
}

}  // namespace vkc::app
