// vkc-eval: top-1/top-5 accuracy, speed and confusions of an Inception network on a labelled
// set ((Fashion-)MNIST IDX files or an ImageFolder tree), on Vulkan.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/eval_data.hpp"
#include "common/eval_metrics.hpp"
#include "common/model_choice.hpp"
#include "common/progress_line.hpp"
#include "vkception/vkception.hpp"

namespace fs = std::filesystem;

namespace {

// Library errors may list several problems on separate lines; keep every error one line.
std::string oneLine(std::string text) {
  for (size_t at; (at = text.find("\n  ")) != std::string::npos;) {
    text.replace(at, 3, at > 0 && text[at - 1] == ':' ? " " : "; ");
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

nlohmann::json jsonReport(const vkc::app::EvalStats& stats,
                          const std::vector<std::string>& labels) {
  auto label = [&](int c) { return c < int(labels.size()) ? labels[c] : std::to_string(c); };
  nlohmann::json perClass = nlohmann::json::array();
  for (int c = 0; c < stats.classes(); ++c) {
    nlohmann::json top1 = nullptr;  // no samples: no accuracy
    if (stats.classImages(c) > 0) top1 = stats.classTop1(c);
    perClass.push_back(
        {{"class", c}, {"label", label(c)}, {"images", stats.classImages(c)}, {"top1", top1}});
  }
  nlohmann::json confusions = nlohmann::json::array();
  for (const auto& k : stats.topConfusions(10)) {
    confusions.push_back({{"true", k.truth},
                          {"true_label", label(k.truth)},
                          {"predicted", k.predicted},
                          {"predicted_label", label(k.predicted)},
                          {"count", k.count}});
  }
  return {{"top1", stats.top1()},
          {"top5", stats.top5()},
          {"top1_error", 1.0 - stats.top1()},
          {"top5_error", 1.0 - stats.top5()},
          {"top_k", stats.topK()},
          {"per_class", perClass},
          {"confusions", confusions}};
}

struct RunSummary {
  double seconds = 0;
  int64_t skipped = 0;
};

void printText(const vkc::app::EvalStats& stats, const std::vector<std::string>& labels,
               const std::string& model, const std::string& weights, const vkc::Context& context,
               const std::string& data, int size, int batch, const RunSummary& t) {
  const vkc::DeviceSummary device = context.device();
  std::printf("model    %s (%s, %dx%d input)\n", model.c_str(), weights.c_str(), size, size);
  std::printf("device   %s (%s)\n", device.name.c_str(), device.type.c_str());
  std::printf("data     %s: %lld images, %d classes\n", data.c_str(),
              static_cast<long long>(stats.images()), stats.classes());
  if (t.skipped) {
    std::printf("skipped  %lld unreadable images (see stderr)\n",
                static_cast<long long>(t.skipped));
  }
  std::printf("top-1    accuracy %6.2f%%   error %6.2f%%\n", 100 * stats.top1(),
              100 * (1 - stats.top1()));
  std::printf("top-%d    accuracy %6.2f%%   error %6.2f%%\n", stats.topK(), 100 * stats.top5(),
              100 * (1 - stats.top5()));
  std::printf("speed    %.1f images/s (%.2f s, batch %d, preprocessing included)\n",
              stats.images() / t.seconds, t.seconds, batch);
  vkc::app::printClassSummary(stats, labels);
}

int run(const vkc::app::EvalOptions& o) {
  // Read or scan the data first so a bad path fails before the slow model load.
  vkc::app::EvalSet set;
  vkc::app::ImageFolder folder;
  if (o.dir.empty()) {
    set = vkc::app::loadIdxSet(o.idxImages, o.idxLabels);
  } else {
    folder = vkc::app::scanImageFolder(o.dir);
  }

  vkc::app::ModelChoice choice = vkc::app::chooseModel(o.model, o.weights);
  if (o.model.empty() && o.weights.empty() && !fs::exists(choice.weights)) {
    throw vkc::Error(choice.weights +
                     ": the bundled model is missing (make it with tools/train_fashion_mnist.py, "
                     "or give --model and --weights)");
  }
  vkc::ContextOptions contextOptions;
  contextOptions.device = o.device;
  vkc::Context context(contextOptions);
  vkc::NetworkOptions options;
  options.weights = choice.weights;
  options.inputSize = o.size;
  options.labels = o.labels;
  vkc::app::ProgressLine loading("vkc-eval");
  options.progress = loading.callback();
  vkc::Network net = vkc::Network::load(context, choice.model, options);
  const std::string& labelsPath = net.labelsFile();
  const std::vector<std::string>& labels = net.labels();
  const int classes = net.numClasses(), size = net.inputSize();
  if (!labels.empty() && int(labels.size()) != classes) {
    throw vkc::Error(labelsPath + ": " + std::to_string(labels.size()) +
                     " labels, but the model has " + std::to_string(classes) + " classes" +
                     (o.labels.empty() ? " (give the right file with --labels)" : ""));
  }
  if (!o.dir.empty()) {
    if (labels.empty()) throw vkc::Error("--dir needs class names: give --labels FILE");
    set = vkc::app::toEvalSet(folder, labels, labelsPath);
  }
  for (size_t i = 0; i < set.size(); ++i) {
    if (set.labels[i] >= classes) {
      throw vkc::Error(o.idxLabels + ": label " + std::to_string(set.labels[i]) + " of image " +
                       std::to_string(i) + " is outside the model's " + std::to_string(classes) +
                       " classes");
    }
  }
  const size_t count = o.limit > 0 ? std::min<size_t>(o.limit, set.size()) : set.size();

  vkc::app::EvalStats stats(classes);
  const size_t chunk = vkc::app::imagesPerChunk(o.batch, size);
  const bool progress = isatty(STDERR_FILENO) && count > chunk;
  // Compile the image program for the full batch and warm it up first: a one-off cost, not
  // throughput.
  {
    const int warm = static_cast<int>(std::min<size_t>(chunk, count));
    std::vector<uint8_t> zeros(size_t(warm) * 3 * size * size, 0);
    net.runImages(zeros.data(), warm);
    loading.clear();
  }
  int64_t skipped = 0;
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (size_t first = 0; first < count; first += chunk) {
    std::vector<uint8_t> input;
    std::vector<int> truth;
    for (size_t i = first; i < std::min(count, first + chunk); ++i) {
      try {
        std::vector<uint8_t> x = net.preprocess(set.image(i), set.name(i));
        input.insert(input.end(), x.begin(), x.end());
        truth.push_back(set.labels[i]);
      } catch (const std::exception& e) {  // a bad image is reported and skipped
        std::fprintf(stderr, "%svkc-eval: %s\n", progress ? "\n" : "", oneLine(e.what()).c_str());
        ++skipped;
      }
    }
    if (truth.empty()) continue;
    std::vector<float> logits = net.runImages(input.data(), static_cast<int>(truth.size()));
    for (size_t n = 0; n < truth.size(); ++n)
      stats.add(&logits[n * classes], truth[n]);
    if (progress) {
      size_t done = std::min(count, first + chunk);
      std::fprintf(stderr, "\r[%zu/%zu images, %.1f images/s]", done, count, done / seconds());
    }
  }
  const double elapsed = seconds();
  if (progress) std::fprintf(stderr, "\n");
  if (stats.images() == 0) throw vkc::Error(set.source + ": none of the images could be read");

  const std::string weights = choice.weights.empty() ? "detweights" : choice.weights;
  if (o.json) {
    nlohmann::json j = jsonReport(stats, labels);
    j.update({{"model", choice.model},
              {"weights", weights},
              {"device", context.device().name},
              {"data", set.source},
              {"images", stats.images()},
              {"skipped", skipped},
              {"classes", classes},
              {"input_size", size},
              {"batch", o.batch},
              {"seconds", elapsed},
              {"images_per_s", stats.images() / elapsed}});
    std::cout << j.dump() << "\n";
  } else {
    printText(stats, labels, choice.model, weights, context, set.source, size, o.batch,
              {elapsed, skipped});
  }
  return skipped ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  vkc::app::EvalOptions o;
  if (int rc = vkc::app::parseEvalArgs(argc, argv, o); rc >= 0) return rc;
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkc-eval: %s\n", oneLine(e.what()).c_str());
    return 1;
  }
}
