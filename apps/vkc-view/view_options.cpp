#include "vkc-view/view_options.hpp"

#include <iterator>

#include "common/args.hpp"
#include "common/model_choice.hpp"

namespace vkc::view {
namespace {

const char* kUsage =
    "usage: vkc-view [options] [IMAGE|DIR...]\n"
    "A window that classifies images with an Inception network on a Vulkan GPU (or lavapipe):\n"
    "open files or folders (Ctrl+O, Ctrl+Shift+O, drag and drop, or here), see each one's\n"
    "labels. The model, device and precision chosen in the window are remembered in\n"
    "$XDG_CONFIG_HOME/vkception/vkc-view.json.\n\n"
    "  --model NAME         inception_v4, inception_resnet_v2, inception_v3, inception_resnet_v1\n"
    "  --weights FILE       .safetensors weights for --model (needed with it; 'deterministic':\n"
    "                       untrained test weights, for tests)\n"
    "  --device N           Vulkan device index (see vkc-info)\n"
    "  --precision P        fp32 or fp16\n"
    "  (none of these: the remembered choice, or the bundled Fashion-MNIST model)\n"
    "  --no-exif-rotate     show and classify the pixels as stored, ignoring the EXIF\n"
    "                       orientation of JPEG, PNG and WebP files (default: upright)\n\n"
    "Self-test (CI, under Xvfb):\n"
    "  --quit-after-results quit once every image has its result; exit 1 if one failed\n"
    "  --screenshot FILE    on quitting, write the window as a PNG\n"
    "  --state-json FILE    and its state: results, rendered thumbnails, timings\n"
    "  --validation         run with the Khronos validation layer (messages counted)\n"
    "  --help, --version\n";

}  // namespace

ModelSettings ViewOptions::applyTo(ModelSettings s) const {
  if (!model.empty()) {
    s.model = model;
    s.weights = weights;
  }
  if (device >= 0) s.device = device;
  if (!precision.empty()) s.precision = precision;
  return s;
}

int parseViewArgs(int argc, char** argv, ViewOptions& o) {
  app::ArgParser args("vkc-view", kUsage);
  args.choice("--model", &o.model, {std::begin(kModelNames), std::end(kModelNames)});
  args.text("--weights", &o.weights);
  args.choice("--precision", &o.precision, {"fp32", "fp16"});
  args.nonNegativeInt("--device", &o.device);
  args.text("--screenshot", &o.screenshot);
  args.text("--state-json", &o.stateJson);
  args.toggle("--quit-after-results", &o.quitAfterResults);
  args.toggle("--validation", &o.validation);
  args.toggle("--no-exif-rotate", &o.noExifRotate);
  args.positional(&o.inputs);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (!o.weights.empty() && o.model.empty()) return args.usageError("--weights needs --model");
  if (std::string e = app::missingWeightsError(o.model, o.weights); !e.empty()) {
    return args.usageError(e);
  }
  return -1;
}

}  // namespace vkc::view
