#include "common/args.hpp"
#include "common/cli.hpp"
#include "common/model_choice.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-bench --model NAME --weights FILE|deterministic [options]\n"
    "       vkc-bench --layers [--layer NAME] [--batch N] [--conv-kernel K] [--runs R] [--peak]\n"
    "Times one network and reports min/median/max per batch, images/s, GFLOP/s against the\n"
    "device's own measured fp32 peak, memory, and (with --profile) GPU time per operator type\n"
    "and the slowest nodes.\n\n"
    "  --model NAME       inception_v4, inception_resnet_v2, inception_resnet_v1, inception_v3\n"
    "  --batch N          images per run (default 1; --layers: 1, 8 and 32)\n"
    "  --size S           input size (default 299)\n"
    "  --precision P      fp32 (default) or fp16 (fp16 weights, activations and FMAs)\n"
    "  --warmup W         untimed runs first (default 2)\n"
    "  --runs R           timed runs (default 5; --layers: 3, the fastest reported)\n"
    "  --device N         Vulkan device index (see vkc-info)\n"
    "  --weights FILE     .safetensors weights (required); 'deterministic': untrained test\n"
    "                     weights, for tests and benchmarks (the same work per image)\n"
    "  --peak             measure the fp32 FMA peak (always done with --json)\n"
    "  --profile          per-node GPU timestamps (serialises the nodes; separate pass), and\n"
    "                     the slowest pipeline creations of the cold and warm starts\n"
    "  --top N            slowest nodes and pipelines listed by --profile (default 10)\n"
    "  --no-first-result  skip timing the first result (two extra loads, cold and warm cache)\n"
    "  --no-winograd      direct fp32 convolutions only (NetworkOptions::winograd)\n"
    "  --start MODE       specialized (default) or at-once kernels (NetworkOptions::start)\n"
    "  --conv-kernel K    the direct convolutions' kernels: auto (default: the device's, or\n"
    "                     VKC_CONV_KERNEL), blocked, igemm or regtile\n"
    "                     (ContextOptions::convKernel)\n"
    "  --layers           per-layer microbenchmark: single convolutions of Inception's shapes\n"
    "                     per batch and kernel family, their plan, ms, GFLOP/s (and with\n"
    "                     --peak the fraction of the probe); no --model needed\n"
    "  --layer NAME       only that layer of --layers (e.g. 1x7_192_224_17)\n"
    "  --json             one JSON object\n";

}  // namespace

int parseBenchArgs(int argc, char** argv, BenchOptions& o) {
  ArgParser args("vkc-bench", kUsage);
  args.text("--model", &o.model);
  args.text("--weights", &o.weights);
  args.choice("--precision", &o.precision, {"fp32", "fp16"});
  args.choice("--start", &o.start, {"specialized", "at-once"});
  args.choice("--conv-kernel", &o.convKernel, {"auto", "blocked", "igemm", "regtile"});
  args.positiveInt("--batch", &o.batch);
  args.positiveInt("--size", &o.size);
  args.nonNegativeInt("--warmup", &o.warmup);
  args.positiveInt("--runs", &o.runs);
  args.positiveInt("--top", &o.top);
  args.nonNegativeInt("--device", &o.device);
  args.toggle("--json", &o.json);
  args.toggle("--peak", &o.peak);
  args.toggle("--profile", &o.profile);
  args.toggle("--no-first-result", &o.noFirstResult);
  args.toggle("--no-winograd", &o.noWinograd);
  args.toggle("--layers", &o.layers);
  args.text("--layer", &o.layer);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (!o.layer.empty()) o.layers = true;
  if (o.layers) {
    if (!o.runs) o.runs = 3;
    return -1;
  }
  if (!o.batch) o.batch = 1;
  if (!o.runs) o.runs = 5;
  if (o.model.empty()) return args.usageError("--model is required");
  if (std::string e = missingWeightsError(o.model, o.weights); !e.empty()) {
    return args.usageError(e);
  }
  return -1;
}

}  // namespace vkc::app
