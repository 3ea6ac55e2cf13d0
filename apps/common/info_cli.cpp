#include "common/args.hpp"
#include "common/cli.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-info [--json]\n"
    "Lists every Vulkan device with the limits and features vkception uses.\n"
    "  --json   print the same as one JSON object\n"
    "The device vkception picks by default is marked; VKC_DEVICE=N overrides it.\n";

}  // namespace

int parseInfoArgs(int argc, char** argv, InfoOptions& o) {
  ArgParser args("vkc-info", kUsage);
  args.toggle("--json", &o.json);
  return args.parse(argc, argv);
}

}  // namespace vkc::app
