// The command-line parsers of vkc-classify, vkc-eval, vkc-bench and vkc-info: the input is the
// argument list, NUL-separated (at most 64 arguments). Run it with -close_fd_mask=3: the parsers'
// output (usage errors, --help) then goes nowhere while libFuzzer's and the sanitizers' reports
// still reach the log.
#include <cstdint>
#include <string>
#include <vector>

#include "common/cli.hpp"

using namespace vkc::app;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args{"app"};
  std::string current;
  for (size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty() && args.size() < 64) args.push_back(current);
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  const int argc = static_cast<int>(args.size());
  ClassifyOptions classify;
  EvalOptions eval;
  BenchOptions bench;
  InfoOptions info;
  for (int rc :
       {parseClassifyArgs(argc, argv.data(), classify), parseEvalArgs(argc, argv.data(), eval),
        parseBenchArgs(argc, argv.data(), bench), parseInfoArgs(argc, argv.data(), info)}) {
    if (rc != -1 && rc != 0 && rc != 2) __builtin_trap();  // a parser may only say go on / 0 / 2
  }
  return 0;
}
