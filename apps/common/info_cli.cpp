#include <cstdio>

#include "common/args.hpp"
#include "common/cli.hpp"

namespace vkc::app {
namespace {

const char* kUsage =
    "usage: vkc-info [--json] [--self-test [--device N]]\n"
    "Lists every Vulkan device with the limits and features vkception uses.\n"
    "  --json        print the same as one JSON object\n"
    "  --self-test   run every kernel variant vkception may use on the device against a\n"
    "                double-precision reference; print each variant's result and which the\n"
    "                device policy now avoids; exit 1 if any failed\n"
    "  --device N    the device to test (default: the one vkception picks)\n"
    "The device vkception picks by default is marked; VKC_DEVICE=N overrides it.\n";

}  // namespace

int parseInfoArgs(int argc, char** argv, InfoOptions& o) {
  ArgParser args("vkc-info", kUsage);
  args.toggle("--json", &o.json);
  args.toggle("--self-test", &o.selfTest);
  args.nonNegativeInt("--device", &o.device);
  const int rc = args.parse(argc, argv);
  if (rc < 0 && o.device >= 0 && !o.selfTest) {
    std::fprintf(stderr, "vkc-info: --device needs --self-test\n%s", kUsage);
    return 2;
  }
  return rc;
}

}  // namespace vkc::app
