#include "common/args.hpp"
#include "common/cli.hpp"
#include "common/model_choice.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-eval [options] --idx-images FILE --idx-labels FILE\n"
    "       vkc-eval [options] --dir ROOT\n"
    "       vkc-eval [options] --val-list FILE [--dir ROOT]\n"
    "Measures top-1/top-5 accuracy (and error), images/s and the most frequent confusions of an\n"
    "Inception network on a labelled set. With no --model and no --weights it uses the bundled\n"
    "Fashion-MNIST model.\n\n"
    "  --idx-images FILE    (Fashion-)MNIST IDX images (N x H x W gray), gzip or plain\n"
    "  --idx-labels FILE    the matching IDX labels (class indices)\n"
    "  --dir ROOT           ImageFolder layout ROOT/<class>/*.png|jpg|...: every class folder\n"
    "                       must be named as a line of the label file ('/' may be written '_')\n"
    "  --val-list FILE      'path label' lines (label: class index) or a CSV with a header\n"
    "                       (filename/path/image/ImageId, label/class/class_index/target);\n"
    "                       relative paths under --dir ROOT, else the list's folder\n"
    "  --label-offset N     added to every label: 1 for TF-slim's 1001-class models (background\n"
    "                       at 0) with 0-based 1000-class labels (default 0)\n"
    "  --exclude FILE       leave out these images: one 1-based number a line (the ILSVRC-2012\n"
    "                       validation blacklist; a file *_val_NNNNNNNN.* is number NNNNNNNN,\n"
    "                       other images their place in the set)\n"
    "  --crops N            1 (the model's own crop), 12 or 144 (Szegedy et al. 2014: scales x\n"
    "                       squares x 4 corners, centre, whole square x 2 mirrors); the crops'\n"
    "                       softmax probabilities are averaged per image on the GPU\n"
    "  --scales LIST        shorter sides of the scales, e.g. 342,384,427,470 (default: 144:\n"
    "                       input x 256,288,320,352 / 224; 12: input / 0.875)\n"
    "  --squares N          3 (left/top, centre, right/bottom) or 1 (centre) (12: 1, 144: 3)\n"
    "  --ensemble LIST      NAME:FILE[:WEIGHT],... members run in one command buffer, their\n"
    "                       probabilities averaged (weighted) on the GPU; not with --model\n"
    "  --save-probs FILE    the averaged probabilities, float32 [images, classes], little-endian\n"
    "  --model NAME         inception_v4, inception_resnet_v2, inception_resnet_v1, inception_v3\n"
    "  --weights FILE       .safetensors weights (timm / facenet-pytorch tensor names); needed\n"
    "                       with --model. 'deterministic': untrained test weights, for tests\n"
    "  --labels FILE        class names, one per line (default: bundled for known models)\n"
    "  --batch N            images per GPU submit (default 32); with crops, N / crops images (at\n"
    "                       least 1) of crops each\n"
    "  --size S             input size (default: the model's, e.g. 299)\n"
    "  --device N           Vulkan device index (see vkc-info; default: best, or VKC_DEVICE)\n"
    "  --limit N            evaluate only the first N images\n"
    "  --json               one JSON object (accuracies as fractions 0..1)\n"
    "  --exif-rotate        turn JPEG, PNG and WebP images upright by their EXIF orientation\n"
    "                       (default: not, as PIL's Image.open and so timm and torchvision\n"
    "                       read them; --no-exif-rotate says so explicitly). JPEGs are always\n"
    "                       decoded at full size, as PIL does\n"
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
                              {"--dir", &o.dir},
                              {"--scales", &o.scales},
                              {"--ensemble", &o.ensemble},
                              {"--val-list", &o.valList},
                              {"--exclude", &o.exclude},
                              {"--save-probs", &o.saveProbs}}) {
    args.text(flag, target);
  }
  args.positiveInt("--batch", &o.batch);
  args.positiveInt("--size", &o.size);
  args.positiveInt("--limit", &o.limit);
  args.nonNegativeInt("--device", &o.device);
  args.positiveInt("--crops", &o.crops);
  args.positiveInt("--squares", &o.squares);
  args.nonNegativeInt("--label-offset", &o.labelOffset);
  args.toggle("--json", &o.json);
  args.toggle("--exif-rotate", &o.exifRotate);
  args.toggle("--no-exif-rotate", &o.noExifRotate);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  auto usageError = [&](const std::string& message) { return args.usageError(message); };
  const bool idx = !o.idxImages.empty() || !o.idxLabels.empty();
  if (idx && (!o.dir.empty() || !o.valList.empty()))
    return usageError("give --idx-images/--idx-labels, --dir or --val-list, not several");
  if (!idx && o.dir.empty() && o.valList.empty())
    return usageError("no data: give --idx-images and --idx-labels, --dir, or --val-list");
  if (o.crops != 1 && o.crops != 12 && o.crops != 144)
    return usageError("--crops must be 1, 12 or 144");
  if (o.squares != 0 && o.squares != 1 && o.squares != 3)
    return usageError("--squares must be 1 or 3");
  if (o.crops == 1 && (!o.scales.empty() || o.squares != 0))
    return usageError("--scales and --squares need --crops 12 or 144");
  if (!o.ensemble.empty() && (!o.model.empty() || !o.weights.empty()))
    return usageError("give --ensemble or --model/--weights, not both");
  if (std::string e = missingWeightsError(o.model, o.weights); !e.empty()) return usageError(e);
  if (o.exifRotate && o.noExifRotate)
    return usageError("give --exif-rotate or --no-exif-rotate, not both");
  if (idx && o.idxImages.empty()) return usageError("--idx-labels needs --idx-images too");
  if (idx && o.idxLabels.empty()) return usageError("--idx-images needs --idx-labels too");
  return -1;
}

}  // namespace vkc::app
