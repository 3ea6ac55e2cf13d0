// vkc-classify: top-K labels for images (or raw tensors) with an Inception network on Vulkan.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/decode_ahead.hpp"
#include "common/image_inputs.hpp"
#include "common/model_choice.hpp"
#include "common/progress_line.hpp"
#include "common/validation_exit.hpp"
#include "vkception/vkception.hpp"

namespace fs = std::filesystem;

namespace {

// --start auto lets the library choose from the work announced (StartMode::Auto): at-once
// kernels for a few Inception images or many small-model ones. An input tensor's image count is
// taken at 299 x 299, its bytes being all that is known before the model is read.
vkc::StartMode startMode(const vkc::app::ClassifyOptions& o) {
  if (o.start == "auto") return vkc::StartMode::Auto;
  return o.start == "at-once" ? vkc::StartMode::AtOnce : vkc::StartMode::Specialized;
}

size_t expectedImages(const vkc::app::ClassifyOptions& o, size_t images) {
  if (o.inputTensor.empty()) return images;
  std::error_code ec;
  const uintmax_t bytes = fs::file_size(o.inputTensor, ec);
  return ec ? 0 : bytes / (size_t(3) * 299 * 299 * sizeof(float));
}

void printResult(const vkc::app::ClassifyOptions& o, const std::string& name, const float* logits,
                 int classes, const std::vector<std::string>& labels) {
  const std::vector<vkc::Prediction> top = vkc::topPredictions(logits, classes, o.top, labels);
  if (o.json) {
    nlohmann::json j{{"image", name}, {"top", nlohmann::json::array()}};
    for (const vkc::Prediction& p : top) {
      j["top"].push_back(
          {{"class", p.classIndex}, {"label", p.label}, {"probability", p.probability}});
    }
    std::cout << j.dump() << "\n";
  } else {
    std::cout << name << "\n";
    for (size_t i = 0; i < top.size(); ++i) {
      std::printf("  %zu. %-30s %6.2f%%  (class %d)\n", i + 1, top[i].label.c_str(),
                  100.0 * top[i].probability, top[i].classIndex);
    }
  }
}

std::vector<float> readTensorFile(const std::string& path, size_t perImage) {
  // Read whole, so bounded: 2 GiB is ~6000 images of 299 x 299.
  constexpr uintmax_t kMaxTensorFileBytes = uintmax_t{2} << 30;
  std::error_code ec;
  const uintmax_t fileBytes = fs::file_size(path, ec);
  if (!ec && fileBytes > kMaxTensorFileBytes) {
    throw vkc::Error(path + ": " + std::to_string(fileBytes >> 20) + " MiB is over the " +
                         std::to_string(kMaxTensorFileBytes >> 20) +
                         " MiB an input tensor file may hold; split it",
                     vkc::ErrorCode::BadInputFile);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw vkc::Error(path + ": cannot open", vkc::ErrorCode::BadInputFile);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  size_t imageBytes = perImage * sizeof(float);
  if (bytes.empty() || bytes.size() % imageBytes != 0) {
    throw vkc::Error(path + ": " + std::to_string(bytes.size()) +
                     " bytes is not a whole number of images of " + std::to_string(imageBytes) +
                     " bytes (3 x S x S float32; use --size S for another input size)");
  }
  std::vector<float> data(bytes.size() / sizeof(float));
  std::memcpy(data.data(), bytes.data(), bytes.size());
  return data;
}

void writeLogits(const std::string& path, const std::vector<float>& logits) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(logits.data()),
            static_cast<std::streamsize>(logits.size() * sizeof(float)));
  if (!out) throw vkc::Error(path + ": cannot write");
}

}  // namespace

static int classifyMain(int argc, char** argv) {
  vkc::app::ClassifyOptions o;
  if (int rc = vkc::app::parseClassifyArgs(argc, argv, o); rc >= 0) return rc;
  int failures = 0;
  try {
    // Report an unwritable output before the slow part, not after it.
    if (!o.saveLogits.empty() && !std::ofstream(o.saveLogits, std::ios::binary)) {
      throw vkc::Error(o.saveLogits + ": cannot write");
    }
    // Collect images first so a bad path is reported before the slow model load.
    vkc::app::ImageInputs inputs = vkc::app::collectImages(o.inputs);
    for (const auto& problem : inputs.problems) {
      std::fprintf(stderr, "vkc-classify: %s\n", problem.message().c_str());
      ++failures;
    }
    const std::vector<std::string>& images = inputs.images;
    // Folders' files that are not images: one line, at the end; they alone do not make exit 1.
    const std::string skipped = inputs.skippedSummary();
    if (o.inputTensor.empty() && images.empty()) {
      if (!skipped.empty()) std::fprintf(stderr, "vkc-classify: %s\n", skipped.c_str());
      return 1;
    }

    vkc::app::ModelChoice choice = vkc::app::chooseModel(o.model, o.weights);
    vkc::ContextOptions contextOptions;
    contextOptions.device = o.device;
    vkc::Context context(contextOptions);
    vkc::NetworkOptions options;
    options.weights = choice.weights;
    options.inputSize = o.size;
    options.labels = o.labels;
    options.precision = o.precision == "fp16" ? vkc::Precision::Fp16 : vkc::Precision::Fp32;
    options.start = startMode(o);
    options.expectedImages =
        int(std::min<size_t>(expectedImages(o, images.size()), std::numeric_limits<int>::max()));
    vkc::app::ProgressLine loading("vkc-classify");
    options.progress = loading.callback();
    vkc::Network net = vkc::Network::load(context, choice.model, options);
    const std::vector<std::string>& labels = net.labels();
    const int classes = net.numClasses(), size = net.inputSize();
    const size_t perImage = size_t(3) * size * size;

    if (!o.inputTensor.empty()) {
      std::vector<float> input = readTensorFile(o.inputTensor, perImage);
      int batch = static_cast<int>(input.size() / perImage);
      std::vector<float> logits = net.run(input.data(), batch);
      loading.clear();
      if (!o.saveLogits.empty()) writeLogits(o.saveLogits, logits);
      for (int n = 0; n < batch; ++n) {
        printResult(o, o.inputTensor + "[" + std::to_string(n) + "]", &logits[n * size_t(classes)],
                    classes, labels);
      }
      return 0;
    }

    const bool progress = isatty(STDERR_FILENO) && images.size() > 20;
    std::vector<float> allLogits;
    const size_t chunk = vkc::app::imagesPerChunk(o.batch, size);
    const vkc::DecodeOptions decode =
        vkc::app::classifyDecodeOptions(net.preprocessing(), !o.noExifRotate, !o.fullDecode);
    // Decoded and preprocessed on one worker thread per core ahead of the GPU, as many images
    // as kAheadBytes of inputs hold (at least two per thread): the workers keep going while a
    // batch runs, the first one creating its pipelines included. Results come back in the
    // images' order.
    constexpr size_t kAheadBytes = size_t{64} << 20;
    const int threads = vkc::app::decodeThreads();
    const size_t ahead = std::max(kAheadBytes / perImage, size_t(2) * threads);
    vkc::app::DecodeAhead<std::vector<uint8_t>> decoded(
        images,
        [&](const std::string& path) { return net.preprocess(vkc::loadImage(path, decode), path); },
        threads, ahead);
    size_t handled = 0;
    while (!decoded.done()) {
      std::vector<std::string> names;
      std::vector<uint8_t> batch;
      for (size_t taken = 0; taken < chunk && !decoded.done(); ++taken, ++handled) {
        auto r = decoded.next();
        if (!r.value) {  // a bad image is reported and skipped
          std::fprintf(stderr, "vkc-classify: %s\n", r.error.c_str());
          ++failures;
          continue;
        }
        batch.insert(batch.end(), r.value->begin(), r.value->end());
        names.push_back(std::move(r.path));
      }
      if (names.empty()) continue;
      std::vector<float> logits = net.runImages(batch.data(), static_cast<int>(names.size()));
      loading.clear();
      for (size_t n = 0; n < names.size(); ++n) {
        printResult(o, names[n], &logits[n * classes], classes, labels);
      }
      allLogits.insert(allLogits.end(), logits.begin(), logits.end());
      if (progress) std::fprintf(stderr, "\r[%zu/%zu images]", handled, images.size());
    }
    if (progress) std::fprintf(stderr, "\n");
    if (!o.saveLogits.empty()) writeLogits(o.saveLogits, allLogits);
    if (!skipped.empty()) std::fprintf(stderr, "vkc-classify: %s\n", skipped.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkc-classify: %s\n", e.what());
    return 1;
  }
  return failures ? 1 : 0;
}

// After classifyMain returns, every Vulkan instance it made is gone.
int main(int argc, char** argv) {
  return vkc::app::exitStatusAfterValidation("vkc-classify", classifyMain(argc, argv));
}
