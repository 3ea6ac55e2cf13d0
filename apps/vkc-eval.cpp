// vkc-eval: top-1/top-5 accuracy, speed and confusions of an Inception network or an ensemble,
// on 1, 12 or 144 crops per image, on a labelled set ((Fashion-)MNIST IDX files, an ImageFolder
// tree or a validation list), on Vulkan; the paper's table row.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/eval_data.hpp"
#include "common/eval_lists.hpp"
#include "common/eval_metrics.hpp"
#include "common/image_inputs.hpp"
#include "common/model_choice.hpp"
#include "common/progress_line.hpp"
#include "common/validation_exit.hpp"
#include "vkception/crops.hpp"
#include "vkception/ensemble.hpp"
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
  int crops = 1;
  int64_t excluded = 0;
};

// One line of the paper's tables: Network | Crops | Top-1 Error | Top-5 Error.
struct PaperRow {
  std::string network;
  int crops;
  const vkc::app::EvalStats& stats;
};

nlohmann::json paperRowJson(const PaperRow& r) {
  return {{"network", r.network},
          {"crops", r.crops},
          {"top1_error", 1.0 - r.stats.top1()},
          {"top5_error", 1.0 - r.stats.top5()},
          {"images", r.stats.images()}};
}

void printPaperTable(const std::vector<PaperRow>& rows) {
  std::printf("\n| Network | Crops | Top-1 Error | Top-%d Error | Images |\n",
              rows[0].stats.topK());
  std::printf("|---|---|---|---|---|\n");
  for (const PaperRow& r : rows) {
    std::printf("| %s | %d | %.2f%% | %.2f%% | %lld |\n", r.network.c_str(), r.crops,
                100 * (1 - r.stats.top1()), 100 * (1 - r.stats.top5()),
                static_cast<long long>(r.stats.images()));
  }
}

void printText(const vkc::app::EvalStats& stats, const std::vector<std::string>& labels,
               const std::string& network, const vkc::Context& context, const std::string& data,
               int size, int batch, const RunSummary& t) {
  const vkc::DeviceSummary device = context.device();
  std::printf("model    %s (%dx%d input, %d crop%s per image)\n", network.c_str(), size, size,
              t.crops, t.crops == 1 ? "" : "s");
  std::printf("device   %s (%s)\n", device.name.c_str(), device.type.c_str());
  std::printf("data     %s: %lld images, %d classes\n", data.c_str(),
              static_cast<long long>(stats.images()), stats.classes());
  if (t.skipped) {
    std::printf("skipped  %lld unreadable images (see stderr)\n",
                static_cast<long long>(t.skipped));
  }
  if (t.excluded) {
    std::printf("excluded %lld images (--exclude)\n", static_cast<long long>(t.excluded));
  }
  std::printf("top-1    accuracy %6.2f%%   error %6.2f%%\n", 100 * stats.top1(),
              100 * (1 - stats.top1()));
  std::printf("top-%d    accuracy %6.2f%%   error %6.2f%%\n", stats.topK(), 100 * stats.top5(),
              100 * (1 - stats.top5()));
  std::printf("speed    %.1f images/s, %.1f crops/s (%.2f s, batch %d, preprocessing included)\n",
              stats.images() / t.seconds, stats.images() * t.crops / t.seconds, t.seconds, batch);
  vkc::app::printClassSummary(stats, labels);
}

// The members to run: --ensemble's, or the one --model/--weights (or bundled) network.
std::vector<vkc::app::MemberSpec> membersOf(const vkc::app::EvalOptions& o) {
  if (!o.ensemble.empty()) return vkc::app::parseEnsembleSpec(o.ensemble);
  vkc::app::ModelChoice choice = vkc::app::chooseModel(o.model, o.weights);
  if (o.model.empty() && o.weights.empty() && !fs::exists(choice.weights)) {
    throw vkc::Error(choice.weights +
                     ": the bundled model is missing (make it with tools/train_fashion_mnist.py, "
                     "or give --model and --weights)");
  }
  return {{choice.model, choice.weights, 1.0f}};
}

// "inception_v4 + 3x inception_resnet_v2": the table's Network column.
std::string networkName(const std::vector<vkc::app::MemberSpec>& members) {
  std::string name;
  for (const auto& m : members) {
    if (!name.empty()) name += " + ";
    if (members.size() > 1 && m.weight != 1.0f) {
      char w[32];
      std::snprintf(w, sizeof w, "%gx ", m.weight);
      name += w;
    }
    name += m.model;
    if (!m.weights.empty()) name += " (" + fs::path(m.weights).filename().string() + ")";
  }
  return name;
}

vkc::CropProtocol protocolOf(const vkc::app::EvalOptions& o, int inputSize) {
  vkc::CropProtocol protocol = vkc::cropProtocol(o.crops, inputSize);
  if (!o.scales.empty()) protocol.scales = vkc::app::parseIntList(o.scales, "--scales");
  if (o.squares != 0) protocol.squares = o.squares;
  return protocol;
}

vkc::app::EvalSet loadSet(const vkc::app::EvalOptions& o, vkc::app::ImageFolder& folder) {
  if (!o.valList.empty()) return vkc::app::loadValList(o.valList, o.dir, o.labelOffset);
  if (o.dir.empty()) {
    vkc::app::EvalSet set = vkc::app::loadIdxSet(o.idxImages, o.idxLabels);
    for (int& label : set.labels)
      label += o.labelOffset;
    return set;
  }
  folder = vkc::app::scanImageFolder(o.dir);
  if (!folder.skipped.empty()) {
    std::fprintf(stderr, "vkc-eval: %s\n", vkc::app::describeSkipped(folder.skipped).c_str());
  }
  return {};
}

int run(const vkc::app::EvalOptions& o) {
  // Read or scan the data first so a bad path fails before the slow model load.
  vkc::app::ImageFolder folder;
  vkc::app::EvalSet set = loadSet(o, folder);
  const std::vector<vkc::app::MemberSpec> specs = membersOf(o);

  vkc::ContextOptions contextOptions;
  contextOptions.device = o.device;
  vkc::Context context(contextOptions);
  vkc::app::ProgressLine loading("vkc-eval");
  std::vector<vkc::Network> nets;
  for (const auto& spec : specs) {
    vkc::NetworkOptions options;
    options.weights = spec.weights;
    options.inputSize = o.size;
    options.labels = o.labels;
    options.progress = loading.callback();
    nets.push_back(vkc::Network::load(context, spec.model, options));
  }
  vkc::Network& net = nets.front();  // the first member's preprocessing and labels
  const std::string& labelsPath = net.labelsFile();
  const std::vector<std::string>& labels = net.labels();
  const int classes = net.numClasses(), size = net.inputSize();
  if (!labels.empty() && int(labels.size()) != classes) {
    throw vkc::Error(labelsPath + ": " + std::to_string(labels.size()) +
                     " labels, but the model has " + std::to_string(classes) + " classes" +
                     (o.labels.empty() ? " (give the right file with --labels)" : ""));
  }
  if (!o.dir.empty() && o.valList.empty()) {
    if (labels.empty()) throw vkc::Error("--dir needs class names: give --labels FILE");
    set = vkc::app::toEvalSet(folder, labels, labelsPath);
    for (int& label : set.labels)
      label += o.labelOffset;
  }
  set.decode.applyExifOrientation = o.exifRotate;
  for (size_t i = 0; i < set.size(); ++i) {
    if (set.labels[i] >= classes) {
      throw vkc::Error(set.source + ": label " + std::to_string(set.labels[i]) + " of image " +
                       std::to_string(i) + " is outside the model's " + std::to_string(classes) +
                       " classes");
    }
  }
  const vkc::CropProtocol protocol = protocolOf(o, size);
  const int crops = protocol.cropsPerImage();
  std::vector<vkc::EnsembleMember> members;
  for (size_t m = 0; m < nets.size(); ++m)
    members.push_back({&nets[m], specs[m].weight});
  vkc::Ensemble ensemble(members, crops);

  // Images in the order evaluated: the first --limit of the set, less the excluded ones.
  const size_t count = o.limit > 0 ? std::min<size_t>(o.limit, set.size()) : set.size();
  const std::vector<bool> excluded = o.exclude.empty() ? std::vector<bool>(set.size(), false)
                                                       : vkc::app::excludedImages(set, o.exclude);
  std::vector<size_t> order;
  for (size_t i = 0; i < count; ++i) {
    if (!excluded[i]) order.push_back(i);
  }

  std::FILE* probsFile = nullptr;
  if (!o.saveProbs.empty() && !(probsFile = std::fopen(o.saveProbs.c_str(), "wb"))) {
    throw vkc::Error(o.saveProbs + ": cannot write");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> probsCloser(
      probsFile, [](std::FILE* f) { return f ? std::fclose(f) : 0; });

  vkc::app::EvalStats stats(classes);
  // --batch counts crops: an image's crops always go in one submit.
  const size_t chunk = std::max<size_t>(1, vkc::app::imagesPerChunk(o.batch, size) / crops);
  const bool progress = isatty(STDERR_FILENO) && order.size() > chunk;
  // Compile the program for the full batch and warm it up first: a one-off cost, not
  // throughput.
  {
    const int warm = static_cast<int>(std::min<size_t>(chunk, std::max<size_t>(order.size(), 1)));
    std::vector<uint8_t> zeros(size_t(warm) * crops * 3 * size * size, 0);
    ensemble.runImages(zeros.data(), warm);
    loading.clear();
  }
  int64_t skipped = 0;
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (size_t first = 0; first < order.size(); first += chunk) {
    std::vector<uint8_t> input;
    std::vector<int> truth;
    for (size_t k = first; k < std::min(order.size(), first + chunk); ++k) {
      const size_t i = order[k];
      try {
        std::vector<uint8_t> x =
            vkc::makeCrops(set.image(i), net.preprocessing(), protocol, set.name(i));
        input.insert(input.end(), x.begin(), x.end());
        truth.push_back(set.labels[i]);
      } catch (const std::exception& e) {  // a bad image is reported and skipped
        std::fprintf(stderr, "%svkc-eval: %s\n", progress ? "\n" : "", oneLine(e.what()).c_str());
        ++skipped;
      }
    }
    if (truth.empty()) continue;
    std::vector<float> probs = ensemble.runImages(input.data(), static_cast<int>(truth.size()));
    for (size_t n = 0; n < truth.size(); ++n)
      stats.add(&probs[n * classes], truth[n]);
    if (probsFile &&
        std::fwrite(probs.data(), sizeof(float), probs.size(), probsFile) != probs.size()) {
      throw vkc::Error(o.saveProbs + ": write failed");
    }
    if (progress) {
      size_t done = std::min(order.size(), first + chunk);
      std::fprintf(stderr, "\r[%zu/%zu images, %.1f images/s]", done, order.size(),
                   done / seconds());
    }
  }
  const double elapsed = seconds();
  if (progress) std::fprintf(stderr, "\n");
  if (stats.images() == 0) throw vkc::Error(set.source + ": none of the images could be read");
  if (probsFile && std::fflush(probsFile) != 0) throw vkc::Error(o.saveProbs + ": write failed");

  const std::string network = networkName(specs);
  const PaperRow row{network, crops, stats};
  if (o.json) {
    nlohmann::json j = jsonReport(stats, labels);
    j.update({{"model", specs.front().model},
              {"weights", specs.front().weights.empty() ? "detweights" : specs.front().weights},
              {"network", network},
              {"members", specs.size()},
              {"crops", crops},
              {"excluded", order.size() < count ? count - order.size() : 0},
              {"table", nlohmann::json::array({paperRowJson(row)})},
              {"device", context.device().name},
              {"data", set.source},
              {"images", stats.images()},
              {"skipped", skipped},
              {"classes", classes},
              {"input_size", size},
              {"batch", o.batch},
              {"seconds", elapsed},
              {"images_per_s", stats.images() / elapsed},
              {"crops_per_s", stats.images() * crops / elapsed}});
    std::cout << j.dump() << "\n";
  } else {
    printText(stats, labels, network, context, set.source, size, o.batch,
              {elapsed, skipped, crops, int64_t(count - order.size())});
    printPaperTable({row});
  }
  return skipped ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  vkc::app::EvalOptions o;
  if (int rc = vkc::app::parseEvalArgs(argc, argv, o); rc >= 0) return rc;
  int status = 1;
  try {
    status = run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkc-eval: %s\n", oneLine(e.what()).c_str());
  }
  return vkc::app::exitStatusAfterValidation("vkc-eval", status);
}
