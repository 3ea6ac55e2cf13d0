#include "vkc-view/engine.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <tuple>

#include "common/decode_ahead.hpp"
#include "common/image_inputs.hpp"
#include "common/model_choice.hpp"
#include "vkception/crops.hpp"

namespace vkc::view {
namespace {

// The calling thread below the GTK thread's priority (Linux: nice is per thread, and threads it
// starts inherit it, lavapipe's workers included): on a machine with few cores, inference must
// not take the CPU the window needs to draw.
void lowerThisThreadsPriority() {
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kWorkerNice);
}

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The side a network's resize starts from (app::classifyDecodeOptions): a decode at least this
// large on both sides is enough for it.
int networkSide(const Preprocessing& pre) {
  return app::classifyDecodeOptions(pre, true, true).minWidth;
}

// The picture's size in the file, upright: `decoded`'s, or for a JPEG that DCT scaling decoded
// smaller, its frame header's (width and height swapped when `decoded` was turned on its side).
std::pair<int, int> fileSize(const std::string& path, const Image& decoded) {
  const std::pair<int, int> same{decoded.width, decoded.height};
  std::ifstream in(path, std::ios::binary);
  unsigned char b[5];
  if (!in.read(reinterpret_cast<char*>(b), 2) || b[0] != 0xff || b[1] != 0xd8) return same;
  while (in.read(reinterpret_cast<char*>(b), 4) && b[0] == 0xff) {
    const int marker = b[1], length = b[2] << 8 | b[3];
    if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
      if (!in.read(reinterpret_cast<char*>(b), 5)) return same;  // precision, height, width
      int width = b[3] << 8 | b[4], height = b[1] << 8 | b[2];
      if ((width > height) != (decoded.width > decoded.height)) std::swap(width, height);
      return width >= decoded.width && height >= decoded.height ? std::pair{width, height} : same;
    }
    if (length < 2) return same;
    in.seekg(length - 2, std::ios::cur);
  }
  return same;
}

}  // namespace

Image fitInBox(const Image& image, int box, bool enlarge) {
  const int longest = std::max(image.width, image.height);
  if (longest <= box && !enlarge) return image;
  Image out;
  if (longest <= box) {
    const int f = box / longest;
    out.width = image.width * f;
    out.height = image.height * f;
    out.rgb.resize(size_t(3) * out.width * out.height);
    for (int y = 0; y < out.height; ++y) {
      for (int x = 0; x < out.width; ++x) {
        const uint8_t* s = &image.rgb[(size_t(y / f) * image.width + x / f) * 3];
        std::copy(s, s + 3, &out.rgb[(size_t(y) * out.width + x) * 3]);
      }
    }
    return out;
  }
  out.width = std::max(1, int(int64_t(image.width) * box / longest));
  out.height = std::max(1, int(int64_t(image.height) * box / longest));
  out.rgb.resize(size_t(3) * out.width * out.height);
  for (int y = 0; y < out.height; ++y) {
    const int y0 = int(int64_t(y) * image.height / out.height);
    const int y1 = std::max(y0 + 1, int(int64_t(y + 1) * image.height / out.height));
    for (int x = 0; x < out.width; ++x) {
      const int x0 = int(int64_t(x) * image.width / out.width);
      const int x1 = std::max(x0 + 1, int(int64_t(x + 1) * image.width / out.width));
      uint64_t sum[3] = {0, 0, 0};
      for (int sy = y0; sy < y1; ++sy) {
        for (int sx = x0; sx < x1; ++sx) {
          for (int c = 0; c < 3; ++c)
            sum[c] += image.rgb[(size_t(sy) * image.width + sx) * 3 + c];
        }
      }
      const uint64_t n = uint64_t(y1 - y0) * (x1 - x0);
      for (int c = 0; c < 3; ++c) {
        out.rgb[(size_t(y) * out.width + x) * 3 + c] = uint8_t((sum[c] + n / 2) / n);
      }
    }
  }
  return out;
}

Engine::Engine(std::function<void()> wake, bool validation, bool exifRotate)
    : wake_(std::move(wake)), validation_(validation), exifRotate_(exifRotate) {
  decoder_ = std::thread([this] {
    lowerThisThreadsPriority();
    decoderLoop();
  });
  classifier_ = std::thread([this] {
    lowerThisThreadsPriority();
    classifierLoop();
  });
}

Engine::~Engine() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  decoderWake_.notify_all();
  classifierWake_.notify_all();
  queueSpace_.notify_all();
  decoder_.join();
  classifier_.join();
  network_.reset();  // before its Context
}

void Engine::post(Event event) {
  bool wasEmpty;
  {
    std::lock_guard<std::mutex> lock(eventsMutex_);
    wasEmpty = events_.empty();
    events_.push_back(std::move(event));
  }
  if (wasEmpty) wake_();  // the window takes all that are waiting at once
}

std::vector<Event> Engine::takeEvents() {
  std::lock_guard<std::mutex> lock(eventsMutex_);
  return std::exchange(events_, {});
}

int Engine::loadModel(const ModelSettings& settings) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_;
  pendingSettings_ = settings;
  modelPending_ = true;
  classifierWake_.notify_one();
  return ++modelSerial_;
}

void Engine::open(const std::vector<std::string>& inputs) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_;
  decodeJobs_.push_back({inputs, {}});
  decoderWake_.notify_one();
}

void Engine::reclassify(const std::vector<std::pair<int, std::string>>& images) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_;
  decodeJobs_.push_back({{}, images});
  decoderWake_.notify_one();
}

void Engine::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++generation_;
  decodeJobs_.clear();
  queue_.clear();
  queueSpace_.notify_all();
  postIdleIfDone();
}

void Engine::postIdleIfDone() {  // mutex_ held
  if (decodeJobs_.empty() && !decoding_ && queue_.empty() && !classifying_ && !modelPending_) {
    post(WorkIdle{requests_});
  }
}

void Engine::decoderLoop() {
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex_);
    decoderWake_.wait(lock, [&] { return stopping_ || !decodeJobs_.empty(); });
    if (stopping_) return;
    DecodeJob job = std::move(decodeJobs_.front());
    decodeJobs_.pop_front();
    decoding_ = true;
    const int generation = generation_;
    std::vector<std::pair<int, std::string>> images = std::move(job.known);
    const bool fresh = images.empty();
    if (fresh) {  // a folder scan may take a while: not under the lock
      lock.unlock();
      app::ImageInputs found = app::collectImages(job.inputs);
      lock.lock();
      for (const auto& problem : found.problems) {
        const int id = nextId_++;
        post(ImageFound{id, problem.input});
        post(ImageFailed{id, problem.message()});
      }
      if (!found.skipped.empty()) post(FilesSkipped{found.skippedSummary(), found.skipped});
      for (std::string& path : found.images) {
        post(ImageFound{nextId_, path});
        images.emplace_back(nextId_++, std::move(path));
      }
    }
    lock.unlock();
    decodeAll(images, fresh, generation);
    lock.lock();
    decoding_ = false;
    postIdleIfDone();
  }
}

DecodeOptions Engine::decodeOptions(int side) const {
  DecodeOptions options;
  options.applyExifOrientation = exifRotate_;
  options.minWidth = options.minHeight = side;
  return options;
}

Engine::Decoded Engine::decode(const std::string& path, bool report) {
  Preprocessing pre;
  int serial;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pre = readyPreprocessing_;
    serial = readySerial_;
  }
  Decoded d;
  d.decodedFor = std::max(kPreviewBox, serial ? networkSide(pre) : 0);
  d.image = loadImage(path, decodeOptions(d.decodedFor));
  if (report) {
    std::tie(d.width, d.height) = fileSize(path, d.image);
    d.thumbnail = fitInBox(d.image, kThumbnailBox, true);
    d.preview = fitInBox(d.image, kPreviewBox, false);
  }
  if (serial) {
    try {
      d.input = makeCrops(d.image, pre, CropProtocol{}, path);
    } catch (const std::exception& e) {  // e.g. too small for the model
      d.inputError = e.what();
    }
    d.inputSerial = serial;
    d.image = Image{};
  }
  return d;
}

void Engine::decodeAll(const std::vector<std::pair<int, std::string>>& images, bool report,
                       int generation) {
  std::vector<std::string> paths;
  for (const auto& image : images)
    paths.push_back(image.second);
  const int threads = app::decodeThreads();
  // The pool's threads inherit this thread's lowered priority.
  app::DecodeAhead<Decoded> pool(
      std::move(paths), [this, report](const std::string& path) { return decode(path, report); },
      threads, size_t(2) * threads);
  for (const auto& [id, path] : images) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (stopping_ || generation_ != generation) return;
    }
    auto r = pool.next();
    if (!r.value) {
      post(ImageFailed{id, r.error});
      continue;
    }
    Decoded& d = *r.value;
    if (report) {
      post(ImageDecoded{id, d.width, d.height, std::move(d.thumbnail), std::move(d.preview)});
    }
    std::unique_lock<std::mutex> lock(mutex_);
    queueSpace_.wait(lock, [&] {
      return stopping_ || generation_ != generation || queue_.size() < size_t(kQueuedImages);
    });
    if (stopping_ || generation_ != generation) return;
    queue_.push_back({id, path, std::move(d), generation});
    classifierWake_.notify_one();
  }
}

void Engine::classifierLoop() {
  try {
    post(DevicesListed{devices(), ""});
  } catch (const std::exception& e) {
    post(DevicesListed{{}, e.what()});
  }
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex_);
    classifierWake_.wait(
        lock, [&] { return stopping_ || modelPending_ || (network_ && !queue_.empty()); });
    if (stopping_) return;
    if (modelPending_) {
      ModelSettings settings = pendingSettings_;
      const int serial = modelSerial_;
      lock.unlock();
      loadPending(settings, serial);
      lock.lock();
      if (serial == modelSerial_) modelPending_ = false;
      postIdleIfDone();
      continue;
    }
    std::vector<QueuedImage> batch;
    while (!queue_.empty() && batch.size() < size_t(kBatch)) {
      if (queue_.front().generation == generation_) batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    classifying_ = true;
    queueSpace_.notify_all();
    lock.unlock();
    classifyBatch(batch);
    lock.lock();
    classifying_ = false;
    postIdleIfDone();
  }
}

void Engine::loadPending(ModelSettings settings, int serial) {
  post(ModelLoading{serial, settings.describe()});
  const auto start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    readySerial_ = 0;  // the decode workers stop making inputs for the network going away
  }
  try {
    network_.reset();
    if (!context_ || contextDevice_ != settings.device) {
      if (context_) validationOfOldContexts_ += context_->validationMessageCount();
      context_.reset();
      contextDevice_ = -2;
      ContextOptions options;
      options.device = settings.device;
      options.validation = validation_;
      context_ = std::make_unique<Context>(options);
      contextDevice_ = settings.device;
    }
    if (!settings.bundled() && settings.weights.empty()) {
      throw Error("choose a .safetensors weights file for " + settings.model,
                  ErrorCode::BadArgument);
    }
    app::ModelChoice choice = app::chooseModel(settings.model, settings.weights);
    NetworkOptions options;
    options.weights = choice.weights;
    options.precision = settings.precision == "fp16" ? Precision::Fp16 : Precision::Fp32;
    options.progress = [this, serial, description = settings.describe()](const StartupProgress& p) {
      std::string step = p.step;
      if (p.total > 0) step += " " + std::to_string(p.done) + "/" + std::to_string(p.total);
      post(ModelLoading{serial, description, step});
    };
    network_ = std::make_unique<Network>(Network::load(*context_, choice.model, options));
    // One batch of blank images: drivers that compile shaders at the first dispatch (Mesa)
    // do it now, inside the load the window shows, not in the first images' time.
    const int size = network_->inputSize();
    network_->runImages(std::vector<uint8_t>(size_t(3) * size * size * kBatch).data(), kBatch);
    networkSerial_ = serial;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      readyPreprocessing_ = network_->preprocessing();
      readySerial_ = serial;
    }
    post(ModelReady{serial, settings.describe(), context_->device().name, network_->preprocessing(),
                    msSince(start)});
  } catch (const std::exception& e) {
    network_.reset();
    post(ModelFailed{serial, e.what()});
  }
  if (context_) {
    validationMessages_ = validationOfOldContexts_ + context_->validationMessageCount();
  }
}

std::vector<uint8_t> Engine::inputFor(QueuedImage& q) {
  Decoded& d = q.decoded;
  if (d.inputSerial == networkSerial_) {
    if (!d.inputError.empty()) throw std::runtime_error(d.inputError);
    return std::move(d.input);
  }
  // Decoded before this network was ready: from the image if it was decoded large enough for
  // it, else from the file again.
  const int side = networkSide(network_->preprocessing());
  const bool reducedTooFar = d.decodedFor < side && (d.image.width < side || d.image.height < side);
  if (d.image.rgb.empty() || reducedTooFar) {
    d.image = loadImage(q.path, decodeOptions(std::max(kPreviewBox, side)));
  }
  return network_->preprocess(d.image, q.path);
}

void Engine::classifyBatch(std::vector<QueuedImage>& batch) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<uint8_t> pixels;
  std::vector<const QueuedImage*> kept;
  for (QueuedImage& q : batch) {
    try {
      std::vector<uint8_t> x = inputFor(q);
      pixels.insert(pixels.end(), x.begin(), x.end());
      kept.push_back(&q);
    } catch (const std::exception& e) {  // e.g. too small for the model
      post(ImageFailed{q.id, e.what()});
    }
  }
  if (kept.empty()) return;
  const int n = static_cast<int>(kept.size()), classes = network_->numClasses();
  std::vector<float> logits;
  try {
    logits = network_->runImages(pixels.data(), n);
  } catch (const std::exception& e) {
    for (const QueuedImage* q : kept)
      post(ImageFailed{q->id, q->path + ": " + e.what()});
    return;
  }
  const double ms = msSince(start) / n;
  for (int i = 0; i < n; ++i) {
    post(ImageClassified{
        kept[i]->id, networkSerial_,
        topPredictions(&logits[size_t(i) * classes], classes, 5, network_->labels()), ms, n});
  }
  validationMessages_ = validationOfOldContexts_ + context_->validationMessageCount();
}

}  // namespace vkc::view
