#pragma once
// vkception: Inception-family image classifiers on any Vulkan 1.1 GPU.
//
//   vkc::Context context;                                  // picks the best Vulkan device
//   vkc::Network net = vkc::Network::load(context, "inception_v4",
//                                         {"inception_v4.safetensors"});
//   std::vector<float> logits = net.run(images.data(), batch);  // NCHW in, [batch, classes] out
//
//   std::vector<vkc::Prediction> top5 = net.classifyFile("cat.jpg", 5);  // as vkc-classify
//
// Errors (bad files, bad shapes, Vulkan failures with their VkResult) throw vkc::Error.
// Thread safety: different Networks may be loaded and run from different threads at the same
// time, on one Context or several (the Context serialises its queue; each Network records into
// its own command pools). One Network is used from one thread at a time. A Network must not
// outlive its Context. (tests/reliability/test_concurrency.cpp checks this under TSan.)
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vkception/data.hpp"
#include "vkception/devices.hpp"
#include "vkception/error.hpp"
#include "vkception/precision.hpp"

namespace vkc {

// The family of kernels that runs the direct convolutions. Blocked: register blocks shaped for
// CPU drivers (lavapipe's default); Igemm: a shared-memory implicit GEMM for desktop GPUs (the
// default on NVIDIA, AMD and Intel); Regtile: an implicit GEMM in register tiles, no shared
// memory, for mobile GPUs (the default on Mali, Adreno, PowerVR, V3D and Apple). Neither GPU
// family has been measured on a GPU yet. Every family runs on every device and gives results
// within the same error bounds.
enum class ConvKernel { Auto, Blocked, Igemm, Regtile };

// One direct convolution timed alone by Context::benchmarkConvolution (vkc-bench --layers).
struct ConvLayer {
  std::string name;
  int inChannels = 1, height = 1, width = 1;  // the input, per image
  int outChannels = 1, kernelH = 1, kernelW = 1, stride = 1;
  bool samePadding = true;  // else valid
};

struct ConvLayerTiming {
  int outHeight = 0, outWidth = 0;
  std::string route;  // the plan the library chose (ops::planConv): "conv1x1", "igemm", ...
  // igemm's workgroup tile (M x N x K per step); regtile's invocation tile (M x N, tileK 0); 0
  // for the other routes
  int tileM = 0, tileN = 0, tileK = 0;
  int splitK = 1;
  double ms = 0;               // the fastest run
  double gflop = 0;            // nominal work of the batch
  bool gpuTimestamps = false;  // ms from GPU timestamps; else host wall time of submit and wait
};

struct ContextOptions {
  int device = -1;          // index as listed by vkc-info; -1: VKC_DEVICE or the best device
  bool validation = false;  // Khronos validation layer (debugging; also VKC_VALIDATION=1)
  // The compiled pipelines are kept in a file between runs: `pipelineCachePath`, or when empty
  // $XDG_CACHE_HOME/vkception/ (or ~/.cache/vkception/). false: nothing is read or written.
  bool pipelineCache = true;
  std::string pipelineCachePath;
  // Read every device limit as the Vulkan 1.1 core minimum and no optional feature (also
  // VKC_LIMITS=minimum): for testing that work fits any conformant device.
  bool minimumLimits = false;
  // The kernels of the direct convolutions (see ConvKernel); Auto: the device's default, or
  // VKC_CONV_KERNEL where set.
  ConvKernel convKernel = ConvKernel::Auto;
};

class Network;
class Ensemble;  // vkception/ensemble.hpp

class Context {
 public:
  explicit Context(const ContextOptions& options = {});
  ~Context();
  Context(Context&&) noexcept;
  Context& operator=(Context&&) noexcept;
  DeviceDescription device() const;
  // Messages the Khronos validation layer reported so far (ContextOptions::validation).
  int validationMessageCount() const;
  std::string lastValidationMessage() const;
  // Validation messages of the whole process (every Context, and vkc::devices()), counted past
  // each Context's end: the layer reports objects left alive while a Context is destroyed. With
  // VKC_VALIDATION=1, a program that checks this after its last Context has gone was validated
  // from start to end.
  static int processValidationMessageCount();
  // The device's fp32 or fp16 FMA throughput in GFLOP/s, measured with the library's own probe
  // shader (best of `runs`); fp16 throws vkc::Error (UnsupportedDevice) where it cannot run.
  double measurePeakGflops(Precision precision, int runs = 5);
  // Times one fp32 convolution with random weights and a ReLU at `batch` on this context's
  // kernels (ContextOptions::convKernel): the fastest of `runs`, after one untimed run.
  ConvLayerTiming benchmarkConvolution(const ConvLayer& layer, int batch, int runs = 3);

 private:
  friend class Network;
  friend struct SelfTestReport selfTest(Context&, const struct SelfTestOptions&);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// How a Network reaches its first result. CPU drivers (lavapipe) compile each pipeline with LLVM
// when it first runs, and the specialized kernels of a paper network take them far longer than the
// at-once ones (docs/performance.md, "Time to first result"); GPU drivers compile in pipeline
// creation, which the pipeline cache then saves.
enum class StartMode {
  // "Wait for fast kernels": pipelines specialized for each convolution's shape (register
  // blocks, unrolled taps, Winograd where NetworkOptions::winograd): the fastest inference.
  Specialized,
  // "Start at once": at-once kernels that read each convolution's shape at run time, a handful
  // of pipelines, Winograd along one axis only (1x7, 7x1, 1x3, 3x1 with tiles of 4); the first
  // result in seconds on lavapipe, each inference slower (vkc-classify picks it for a few images;
  // for short-lived processes).
  AtOnce,
  // The library picks from the work announced: AtOnce when NetworkOptions::expectedImages
  // images of this network cost at most kAtOnceWorkFlops, else Specialized.
  Auto,
};
// StartMode::Auto's bound: 16 images of Inception-v4 at 299 (24.5 GFLOP each), the work below
// which compiling specialized kernels on a CPU driver costs more than it saves
// (docs/performance.md, "Time to first result").
inline constexpr double kAtOnceWorkFlops = 16 * 24.5e9;

// Where a long load or first run is (NetworkOptions::progress): `step` is "reading weights",
// "packing and uploading weights" (layers done of total), "creating pipelines" (done of total)
// or "first run" (where CPU drivers compile each kernel as it is first dispatched: no count).
struct StartupProgress {
  const char* step = "";
  int done = 0, total = 0;  // total 0: not counted
};

// Whether Network::load first proves the kernels it may take on the device
// (vkception/self_test.hpp): Auto tests what the device has no stored result for (a few
// seconds, once per device and driver; VKC_SELF_TEST=off or always overrides Auto), Off never,
// Always on every load.
enum class SelfTestAtLoad { Auto, Off, Always };

struct NetworkOptions {
  std::string weights;   // .safetensors file; empty: deterministic test weights (detweights)
  int inputSize = 0;     // 0: the model's default (299, or the file's vkception.input_size)
  bool profile = false;  // per-node GPU timestamps (slower; see Network::profile)
  Precision precision = Precision::Fp32;
  StartMode start = StartMode::Specialized;
  int expectedImages = 0;  // StartMode::Auto: how many images this process will run
  // fp32 stride-1 convolutions with 3 or 7 taps along rows, columns or both (1x7, 7x1, 1x3,
  // 3x1, 3x3) through Winograd F(m, r) per axis: 2-5x fewer multiplies, rounding errors up to
  // ~15x a direct convolution's per layer (tools/gen-winograd.py). fp16 always runs them
  // directly; StartMode::AtOnce lowers the one-axis ones only (graph/winograd_lowering.hpp).
  bool winograd = true;
  SelfTestAtLoad selfTest = SelfTestAtLoad::Auto;
  // Called as the load and the first run go through their steps (and per layer packed and per
  // pipeline created), one call at a time, perhaps from the library's worker threads. vkc-classify
  // and vkc-eval print it as a progress line on a terminal.
  std::function<void(const StartupProgress&)> progress;
  // Class names, one a line. Empty: the file the weights' metadata names ("vkception.labels",
  // beside the weights file), else ImageNet's for the timm models when the assets hold it and
  // the counts agree, else none (predictions carry the class index as label).
  std::string labels;
};

// How an image becomes the network's input, as in timm's data config: the shorter side
// resized to inputSize / cropFraction and a centred inputSize crop ("center"), or the whole
// image resized to inputSize x inputSize ("squash"); then (v / 255 - mean) / std per channel.
struct Preprocessing {
  int inputSize = 0;
  double cropFraction = 0.875;
  std::string cropMode = "center";        // "center" or "squash"
  std::string interpolation = "bicubic";  // PIL bicubic, or "bilinear" (PIL, antialiased)
  std::array<float, 3> mean{0.5f, 0.5f, 0.5f};
  std::array<float, 3> std{0.5f, 0.5f, 0.5f};
};

struct NetworkStats {
  int batch = 0;
  int dispatches = 0, barriers = 0, levels = 0, submits = 0;
  int commandBuffers = 0;             // per submit: long inferences are split for GPU watchdogs
  uint64_t activationBytes = 0;       // the planned arena (with reuse)
  uint64_t naiveActivationBytes = 0;  // every tensor separately
  uint64_t weightBytes = 0;
  uint64_t deviceBytesInUse = 0;
};

// One pipeline's creation (StartupTimings::pipelineTimes).
struct PipelineTiming {
  std::string kernel;  // shader build [workgroup size; specialization constants]
  double ms = 0;       // its vkCreateComputePipelines (lavapipe: NIR; LLVM at its first dispatch)
};

// Where the time to a Network's first result went (Network::startup(), vkc-bench).
struct StartupTimings {
  double openMs = 0;             // weights file opened and mapped, header parsed
  double buildMs = 0;            // graph built, tensors checked, batch norm folded into the biases
  double winogradPlanMs = 0;     // convolutions lowered to Winograd
  int winogradConvolutions = 0;  // how many (0: all direct; StartMode and precision decide)
  double packMs = 0;             // weights read, batch-norm scaled, packed (Winograd's U too)
  double uploadMs = 0;           // weights copied to device memory
  double programMs = 0;          // first program: memory plan, buffers, recording; no pipelines
  double pipelineMs = 0;         // waiting for the pipelines it needed (several created at once)
  double pipelineCompileMs = 0;  // the same pipelines' creation summed over threads
  int pipelines = 0;             // created for it (distinct shader + specialization)
  int shaderModules = 0;         // distinct shader builds among all the device's pipelines
  uint64_t pipelineCacheBytes = 0;            // the device's VkPipelineCache after it
  std::vector<PipelineTiming> pipelineTimes;  // each of them, slowest first
  double firstRunMs = 0;                      // first submit to logits on the host
};

struct NodeProfile {
  std::string node, op;  // op: the kind of work, e.g. "conv 3x3/2", "pool max 3x3/2"
  double ms = 0;
  double gflop = 0;  // nominal work of the node for the whole batch (convolutions)
  std::string plan;  // direct convolutions: route, tile, split-K (e.g. "igemm 64x64x16 split 4")
};

class Network {
 public:
  static Network load(Context& context, const std::string& model,
                      const NetworkOptions& options = {});
  // Weights from safetensors bytes in memory (e.g. an Android asset), copied; options.weights
  // only names them in messages. A metadata label file cannot be found: give options.labels.
  static Network load(Context& context, const std::string& model, const void* weights, size_t bytes,
                      const NetworkOptions& options = {});
  ~Network();
  Network(Network&&) noexcept;
  Network& operator=(Network&&) noexcept;

  const std::string& model() const;
  Precision precision() const;
  int inputSize() const;
  int inputChannels() const;
  int numClasses() const;
  double flopsPerImage() const;   // nominal: 2 x multiply-adds of every conv and linear layer
  size_t parameterCount() const;  // after batch-norm folding
  const std::map<std::string, std::string>& metadata() const;  // the weights file's
  const Preprocessing& preprocessing() const;      // the model's, or the weights' metadata's
  const std::vector<std::string>& labels() const;  // see NetworkOptions::labels; may be empty
  const std::string& labelsFile() const;           // where labels() came from, or empty

  // `input`: batch x 3 x S x S floats, NCHW. Returns batch x numClasses() logits. Batches too
  // large for one dispatch range (maxStorageBufferRange) run in several submits.
  std::vector<float> run(const float* input, int batch);
  // The same into `logits`, which holds batch x numClasses() floats.
  void run(const float* input, int batch, float* logits);
  // `pixels`: batch images of S x S interleaved 8-bit RGB (already resized/cropped to the
  // input size), normalised on the GPU as set by setImageNormalization.
  std::vector<float> runImages(const uint8_t* pixels, int batch);
  void runImages(const uint8_t* pixels, int batch, float* logits);
  // runImages computes (v / 255 - mean[c]) / std[c]; the default is preprocessing()'s.
  void setImageNormalization(const std::array<float, 3>& mean, const std::array<float, 3>& std);

  // An image resized and cropped as preprocessing() says: S x S x 3 bytes for runImages.
  // Throws vkc::Error naming `source` for images under 8 pixels on a side.
  std::vector<uint8_t> preprocess(const Image& image, const std::string& source = "image") const;
  // Preprocessed, run (in batches of at most `batch`), ranked: what vkc-classify prints.
  std::vector<std::vector<Prediction>> classify(const std::vector<Image>& images, int top = 5,
                                                int batch = 8);
  std::vector<std::vector<Prediction>> classifyFiles(const std::vector<std::string>& paths,
                                                     int top = 5, int batch = 8);
  std::vector<Prediction> classifyFile(const std::string& path, int top = 5);

  NetworkStats stats(int batch);
  // The load and the first run's breakdown; first-run fields stay 0 until a run.
  const StartupTimings& startup() const;
  // Per-node GPU times of the last run() (NetworkOptions::profile only).
  std::vector<NodeProfile> profile() const;

  struct Impl;

 private:
  friend class Ensemble;  // records the members' graphs into its own program
  explicit Network(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vkc
