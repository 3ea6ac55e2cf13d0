#include "common/args.hpp"
#include "common/cli.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-bench --model NAME [options]\n"
    "Times one network (detweights unless --weights) and reports min/median/max per batch,\n"
    "images/s, GFLOP/s against the device's own measured fp32 peak, memory, and (with\n"
    "--profile) GPU time per operator type and the slowest nodes.\n\n"
    "  --model NAME       inception_v4, inception_resnet_v2, inception_resnet_v1, inception_v3\n"
    "  --batch N          images per run (default 1)\n"
    "  --size S           input size (default 299)\n"
    "  --precision P      fp32 (default) or fp16 (fp16 weights, activations and FMAs)\n"
    "  --warmup W         untimed runs first (default 2)\n"
    "  --runs R           timed runs (default 5)\n"
    "  --device N         Vulkan device index (see vkc-info)\n"
    "  --weights FILE     .safetensors weights instead of detweights\n"
    "  --peak             measure the fp32 FMA peak (always done with --json)\n"
    "  --profile          per-node GPU timestamps (serialises the nodes; separate pass), and\n"
    "                     the slowest pipeline creations of the cold and warm starts\n"
    "  --top N            slowest nodes and pipelines listed by --profile (default 10)\n"
    "  --no-first-result  skip timing the first result (two extra loads, cold and warm cache)\n"
    "  --no-winograd      direct fp32 convolutions only (NetworkOptions::winograd)\n"
    "  --start MODE       specialised (default) or at-once kernels (NetworkOptions::start)\n"
    "  --json             one JSON object\n";

}  // namespace

int parseBenchArgs(int argc, char** argv, BenchOptions& o) {
  ArgParser args("vkc-bench", kUsage);
  args.text("--model", &o.model);
  args.text("--weights", &o.weights);
  args.choice("--precision", &o.precision, {"fp32", "fp16"});
  args.choice("--start", &o.start, {"specialised", "at-once"});
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
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (o.model.empty()) return args.usageError("--model is required");
  return -1;
}

}  // namespace vkc::app
