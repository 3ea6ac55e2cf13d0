#pragma once
// Each app's command line: its options, usage text and parser, kept out of main() so that the
// parsers are exercised by tests and by the fuzzer (fuzz/fuzz_cli.cpp) without running the apps.
// Every parse*Args returns -1 to go on, or the exit code (0 after --help/--version, 2 after a
// usage error, which it has already printed).
#include <string>
#include <vector>

namespace vkc::app {

struct ClassifyOptions {
  std::string model, weights, labels, inputTensor, saveLogits, precision = "fp32";
  std::string start = "auto";  // "auto", "at-once" or "specialized" (NetworkOptions::start)
  int top = 5, batch = 8, size = 0, device = -1;
  bool json = false;
  // Decoding (image_inputs.hpp, classifyDecodeOptions): EXIF orientation applied and JPEGs
  // DCT-scaled to what the model's resize needs, unless turned off.
  bool noExifRotate = false, fullDecode = false;
  std::vector<std::string> inputs;
};
int parseClassifyArgs(int argc, char** argv, ClassifyOptions& o);

struct EvalOptions {
  std::string model, weights, labels, idxImages, idxLabels, dir;
  int batch = 32, size = 0, device = -1, limit = 0;
  bool json = false;
  // Images as PIL's Image.open gives them (no EXIF turn) unless --exif-rotate; --no-exif-rotate
  // is that default, accepted so that one flag serves both apps.
  bool exifRotate = false, noExifRotate = false;
  // The paper's protocol: crops per image, other scales / squares, an ensemble of members, a
  // validation list, excluded images, a label offset (1001-class models), probabilities out.
  int crops = 1, squares = 0, labelOffset = 0;
  std::string scales, ensemble, valList, exclude, saveProbs;
};
int parseEvalArgs(int argc, char** argv, EvalOptions& o);

struct BenchOptions {
  std::string model, weights, precision = "fp32", start = "specialized";
  std::string convKernel = "auto";  // "auto", "blocked", "igemm", "regtile" (ContextOptions)
  // batch and runs: 1 and 5 for a network; with --layers 0 (every batch) and 3.
  int batch = 0, size = 0, warmup = 2, runs = 0, device = -1, top = 10;
  bool json = false, peak = false, profile = false, noFirstResult = false, noWinograd = false;
  bool layers = false;  // --layers: the per-layer microbenchmark instead of a network
  std::string layer;    // --layer NAME: only that layer of --layers
};
int parseBenchArgs(int argc, char** argv, BenchOptions& o);

struct InfoOptions {
  bool json = false;
  bool selfTest = false;
  int device = -1;  // --device N (with --self-test); -1: the default device
};
int parseInfoArgs(int argc, char** argv, InfoOptions& o);

}  // namespace vkc::app
