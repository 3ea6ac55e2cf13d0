#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>

#include "api/impl.hpp"

#include <cstdio>

#include "graph/winograd_lowering.hpp"
#include "selftest/self_test.hpp"
#include "vk/stopwatch.hpp"

namespace vkc {
namespace {

// A lost device may show in any call (drivers differ in which); once one reports it, the device
// is marked so that every later use says so at once instead of touching it again.
template <typename F>
auto noticingDeviceLoss(vk::Device& device, F&& work) {
  try {
    return work();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::DeviceLost) device.markLost();
    throw;
  }
}

}  // namespace

int Network::Impl::largestBatch() const {
  return graph::largestBatch(model.graph, device->info(), precision);
}

graph::Program& Network::Impl::program(int batch, bool images) {
  const std::pair<int, bool> key{batch, images};
  auto& slot = programs[key];
  if (!slot) {
    // Keep a few compiled batch sizes; drop others so memory does not grow without bound.
    if (programs.size() > 4) {
      for (auto it = programs.begin(); it != programs.end(); ++it) {
        if (it->first != key && it->second.get() != lastRun) {
          programs.erase(it);
          break;
        }
      }
    }
    graph::ProgramOptions options;
    options.profile = profile;
    options.imageInput = images;
    options.normalization = normalization;
    options.precision = precision;
    options.atOnce = atOnce;
    if (progress && startup.programMs == 0) {
      options.pipelineProgress = [this](int done, int total) {
        report("creating pipelines", done, total);
      };
    }
    const vk::KernelCacheStats before = device->kernels().stats();
    const vk::Stopwatch creation;
    programs[key] =
        std::make_unique<graph::Program>(*device, model.graph, *weights, batch, options);
    if (startup.programMs == 0) {
      const vk::KernelCacheStats after = device->kernels().stats();
      startup.pipelineMs = after.wallMs - before.wallMs;
      startup.pipelineCompileMs = after.compileMs - before.compileMs;
      startup.programMs = creation.ms() - startup.pipelineMs;
      startup.pipelines = after.pipelines - before.pipelines;
      startup.shaderModules = after.shaderModules;
      startup.pipelineCacheBytes = after.cacheBytes;
      for (const vk::PipelineCreation& c : device->kernels().createdSince(before.created)) {
        startup.pipelineTimes.push_back({c.kernel, c.ms});
      }
      std::stable_sort(
          startup.pipelineTimes.begin(), startup.pipelineTimes.end(),
          [](const PipelineTiming& a, const PipelineTiming& b) { return a.ms > b.ms; });
    }
  }
  return *programs[key];
}

Network::Network(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Network::~Network() = default;
Network::Network(Network&&) noexcept = default;
Network& Network::operator=(Network&&) noexcept = default;

Network Network::load(Context& context, const std::string& model, const NetworkOptions& options) {
  vk::Device& device = *context.impl_->device;
  return noticingDeviceLoss(device, [&] {
    const vk::Stopwatch open;
    std::unique_ptr<io::WeightSource> source = options.weights.empty()
                                                   ? io::makeDetWeights()
                                                   : io::openSafetensorsWeights(options.weights);
    return Impl::load(device, model, options, std::move(source), options.weights, open.ms());
  });
}

Network Network::load(Context& context, const std::string& model, const void* weights, size_t bytes,
                      const NetworkOptions& options) {
  if (weights == nullptr || bytes == 0) {
    throw Error("Network::load: no weights bytes (null or empty buffer)", ErrorCode::BadArgument);
  }
  vk::Device& device = *context.impl_->device;
  const std::string name = options.weights.empty() ? "weights in memory" : options.weights;
  return noticingDeviceLoss(device, [&] {
    const vk::Stopwatch open;
    std::unique_ptr<io::WeightSource> source = io::openSafetensorsWeights(name, weights, bytes);
    return Impl::load(device, model, options, std::move(source), "", open.ms());
  });
}

void Network::Impl::testKernels(const NetworkOptions& options) {
  const SelfTestAtLoad mode = selfTestAtLoad(options.selfTest);
  if (mode == SelfTestAtLoad::Off) return;
  auto test = [&](ops::Precision precision) {
    selftest::ensureTested(
        *device, selftest::loadConfigurations(*device, precision, atOnce, options.winograd),
        mode == SelfTestAtLoad::Always,
        [this](int done, int total) { report("testing the kernels on this device", done, total); });
  };
  test(precision);
  if (precision != ops::Precision::Fp16) return;
  // fp16 -> fp32 where the self-test failed an fp16 build: proven fp32 kernels instead.
  for (const auto& [build, why] : device->policy().verdicts->failures()) {
    if (!ops::isFp16Build(build)) continue;
    std::fprintf(stderr, "vkception: %s failed the self-test on %s (%s); running fp32\n",
                 build.c_str(), device->info().name.c_str(), why.c_str());
    precision = ops::Precision::Fp32;
    test(precision);
    return;
  }
}

Network Network::Impl::load(vk::Device& device, const std::string& model,
                            const NetworkOptions& options, std::unique_ptr<io::WeightSource> source,
                            const std::string& weightsPath, double openMs) {
  device.throwIfLost();
  auto impl = std::make_unique<Impl>();
  impl->startup.openMs = openMs;
  impl->device = &device;
  impl->profile = options.profile;
  impl->progress = options.progress;
  impl->report("reading weights");
  impl->precision = options.precision;
  if (impl->precision == ops::Precision::Fp16)
    ops::requireFp16(impl->device->info(), impl->device->policy());
  impl->metadata = source->metadata();
  models::ModelConfig config = models::defaultConfig(model, *source);
  if (options.inputSize > 0) config.inputSize = options.inputSize;
  // Read while packing, straight from the file's mapping: no whole host copy of the weights
  // (v4: 163 MiB of page faults and copying less), `source` kept until they are packed.
  config.readWeightsWhenPacked = true;
  vk::Stopwatch step;
  impl->model = models::buildModel(model, *source, config);
  impl->startup.buildMs = step.ms();
  impl->atOnce =
      options.start == StartMode::AtOnce ||
      (options.start == StartMode::Auto &&
       std::max(options.expectedImages, 1) * impl->model.graph.flopsPerImage() <= kAtOnceWorkFlops);
  impl->preprocessing = preprocessingFor(model, config.inputSize, impl->metadata);
  impl->normalization = {impl->preprocessing.mean, impl->preprocessing.std};
  impl->labelsFile =
      findLabels(options.labels, model, weightsPath, impl->metadata,
                 impl->model.graph.tensors[impl->model.graph.output].channels, impl->labels);
  impl->testKernels(options);
  step.restart();
  // fp16 keeps direct convolutions: Winograd's amplified rounding is measured for fp32 only.
  if (options.winograd && impl->precision == ops::Precision::Fp32) {
    if (const auto limits =
            graph::winogradLimitsFor(impl->model.graph, device.policy(), impl->atOnce)) {
      impl->startup.winogradConvolutions = graph::lowerToWinograd(impl->model.graph, *limits);
    }
  }
  impl->startup.winogradPlanMs = step.ms();
  Impl* self = impl.get();
  impl->weights = std::make_unique<graph::WeightStore>(
      *impl->device, impl->model.graph, impl->precision,
      [self](int done, int total) { self->report("packing and uploading weights", done, total); });
  impl->startup.packMs = impl->weights->packMs();
  impl->startup.uploadMs = impl->weights->uploadMs();
  impl->maxBatch = impl->largestBatch();
  // Host copies of the weights are not needed once they are on the device, nor the readers,
  // which would outlive `source` (the file's mapping, released on return).
  for (auto& w : impl->model.graph.weights) {
    std::vector<float>().swap(w.weights);
    w.readLater = nullptr;
  }
  return Network(std::move(impl));
}

const std::string& Network::model() const {
  return impl_->model.name;
}
Precision Network::precision() const {
  return impl_->precision;
}
int Network::inputSize() const {
  return impl_->model.config.inputSize;
}
int Network::inputChannels() const {
  return 3;
}
int Network::numClasses() const {
  return impl_->model.graph.tensors[impl_->model.graph.output].channels;
}
double Network::flopsPerImage() const {
  return impl_->model.graph.flopsPerImage();
}
size_t Network::parameterCount() const {
  size_t count = 0;
  for (const auto& w : impl_->model.graph.weights) {
    count += size_t(w.outC) * w.inC * w.kernelH * w.kernelW + w.bias.size();
  }
  return count;
}
const std::map<std::string, std::string>& Network::metadata() const {
  return impl_->metadata;
}
const Preprocessing& Network::preprocessing() const {
  return impl_->preprocessing;
}
std::vector<uint8_t> Network::preprocess(const Image& image, const std::string& source) const {
  return preprocessImage(image, impl_->preprocessing, source);
}
const std::vector<std::string>& Network::labels() const {
  return impl_->labels;
}
const std::string& Network::labelsFile() const {
  return impl_->labelsFile;
}

void Network::Impl::runChunked(int batch, bool images, float* logits,
                               const std::function<int(graph::Program&, size_t)>& submit) {
  device->throwIfLost();
  if (batch < 1) {
    throw Error("batch must be at least 1, got " + std::to_string(batch), ErrorCode::BadArgument);
  }
  if (logits == nullptr) throw Error("run: no output buffer (null)", ErrorCode::BadArgument);
  const size_t classes = model.graph.tensors[model.graph.output].channels;
  const int chunk = std::min(batch, maxBatch);
  for (int start = 0; start < batch; start += chunk) {
    graph::Program& chunkProgram = program(std::min(chunk, batch - start), images);
    if (startup.firstRunMs == 0) report("first run");
    const vk::Stopwatch run;
    chunkProgram.wait(
        submit(chunkProgram, size_t(start) * 3 * model.config.inputSize * model.config.inputSize),
        logits + start * classes);
    if (startup.firstRunMs == 0) startup.firstRunMs = run.ms();
    lastRun = &chunkProgram;
  }
}

void Network::run(const float* input, int batch, float* logits) {
  if (input == nullptr) throw Error("run: no input (null)", ErrorCode::BadArgument);
  noticingDeviceLoss(*impl_->device, [&] {
    impl_->runChunked(batch, false, logits, [input](graph::Program& p, size_t offset) {
      return p.submit(input + offset);
    });
  });
}

std::vector<float> Network::run(const float* input, int batch) {
  std::vector<float> logits(size_t(std::max(batch, 0)) * numClasses());
  run(input, batch, logits.data());
  return logits;
}

void Network::runImages(const uint8_t* pixels, int batch, float* logits) {
  if (pixels == nullptr) throw Error("runImages: no pixels (null)", ErrorCode::BadArgument);
  noticingDeviceLoss(*impl_->device, [&] {
    impl_->runChunked(batch, true, logits, [pixels](graph::Program& p, size_t offset) {
      return p.submitImages(pixels + offset);
    });
  });
}

std::vector<float> Network::runImages(const uint8_t* pixels, int batch) {
  std::vector<float> logits(size_t(std::max(batch, 0)) * numClasses());
  runImages(pixels, batch, logits.data());
  return logits;
}

namespace {

// Top-k of `count` images run as one batch; `names` name them in errors.
std::vector<std::vector<Prediction>> classifyBatch(Network& net, const Image* images, size_t count,
                                                   const std::vector<std::string>& names, int top) {
  std::vector<uint8_t> pixels;
  for (size_t i = 0; i < count; ++i) {
    std::vector<uint8_t> x = net.preprocess(images[i], names[i]);
    pixels.insert(pixels.end(), x.begin(), x.end());
  }
  const int classes = net.numClasses();
  std::vector<float> logits = net.runImages(pixels.data(), static_cast<int>(count));
  std::vector<std::vector<Prediction>> out;
  for (size_t n = 0; n < count; ++n) {
    out.push_back(topPredictions(&logits[n * classes], classes, top, net.labels()));
  }
  return out;
}

void checkClassifyArguments(int top, int batch) {
  if (top < 1) throw Error("classify: top must be at least 1", ErrorCode::BadArgument);
  if (batch < 1) throw Error("classify: batch must be at least 1", ErrorCode::BadArgument);
}

}  // namespace

std::vector<std::vector<Prediction>> Network::classify(const std::vector<Image>& images, int top,
                                                       int batch) {
  checkClassifyArguments(top, batch);
  std::vector<std::vector<Prediction>> out;
  for (size_t start = 0; start < images.size(); start += batch) {
    const size_t end = std::min(images.size(), start + batch);
    std::vector<std::string> names;
    for (size_t i = start; i < end; ++i)
      names.push_back("image " + std::to_string(i));
    for (auto& p : classifyBatch(*this, images.data() + start, end - start, names, top))
      out.push_back(std::move(p));
  }
  return out;
}

std::vector<std::vector<Prediction>> Network::classifyFiles(const std::vector<std::string>& paths,
                                                            int top, int batch) {
  checkClassifyArguments(top, batch);
  std::vector<std::vector<Prediction>> out;
  // Decoded a batch at a time: a long list of files is not held in memory at once.
  for (size_t start = 0; start < paths.size(); start += batch) {
    const size_t end = std::min(paths.size(), start + batch);
    std::vector<Image> images;
    for (size_t i = start; i < end; ++i)
      images.push_back(loadImage(paths[i]));
    std::vector<std::string> names(paths.begin() + start, paths.begin() + end);
    for (auto& p : classifyBatch(*this, images.data(), images.size(), names, top))
      out.push_back(std::move(p));
  }
  return out;
}

std::vector<Prediction> Network::classifyFile(const std::string& path, int top) {
  return classifyFiles({path}, top, 1).front();
}

void Network::setImageNormalization(const std::array<float, 3>& mean,
                                    const std::array<float, 3>& std) {
  for (float s : std) {
    if (!(s > 0.0f))
      throw Error("image normalisation: std must be positive", ErrorCode::BadArgument);
  }
  impl_->normalization = {mean, std};
  // Image programs have the old constants recorded: drop them.
  for (auto it = impl_->programs.begin(); it != impl_->programs.end();) {
    if (!it->first.second) {
      ++it;
      continue;
    }
    if (it->second.get() == impl_->lastRun) impl_->lastRun = nullptr;
    it = impl_->programs.erase(it);
  }
}

NetworkStats Network::stats(int batch) {
  impl_->device->throwIfLost();
  graph::Program& program = impl_->program(std::min(batch, impl_->maxBatch));
  const graph::ProgramStats& s = program.stats();
  NetworkStats out;
  out.batch = program.batch();
  out.dispatches = s.dispatches;
  out.barriers = s.barriers;
  out.levels = s.levels;
  out.commandBuffers = s.commandBuffers;
  out.submits = (batch + program.batch() - 1) / program.batch();
  out.activationBytes = s.arenaBytes;
  out.naiveActivationBytes = s.naiveBytes;
  out.weightBytes = impl_->weights->bytes();
  out.deviceBytesInUse = impl_->device->memory().bytesInUse();
  return out;
}

const StartupTimings& Network::startup() const {
  return impl_->startup;
}

std::vector<NodeProfile> Network::profile() const {
  std::vector<NodeProfile> out;
  if (!impl_->lastRun) return out;
  for (const auto& t : impl_->lastRun->nodeTimings()) {
    const graph::Graph& g = impl_->model.graph;
    const ops::ConvPlan* plan = impl_->lastRun->convPlan(t.node);
    out.push_back({g.nodes[t.node].name, g.nodeKind(t.node), t.ms,
                   g.nodeFlopsPerImage(t.node) * impl_->lastRun->batch() * 1e-9,
                   plan ? convPlanText(*plan) : std::string()});
  }
  return out;
}

}  // namespace vkc
