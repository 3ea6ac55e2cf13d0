#include "vkc-view/image_result.hpp"

#include <cstdio>

namespace vkc::view {

std::string predictionText(const Prediction& p) {
  char percent[32];
  std::snprintf(percent, sizeof percent, " %.1f %%", 100.0 * p.probability);
  return p.label + percent;
}

std::string resultsText(const std::vector<ImageResult>& results) {
  std::string text;
  for (const ImageResult& r : results) {
    if (r.state == ImageResult::State::Classified && !r.top.empty()) {
      char probability[32];
      std::snprintf(probability, sizeof probability, "%.4f", r.top[0].probability);
      text += r.path + "\t" + r.top[0].label + "\t" + probability + "\n";
    } else if (r.state == ImageResult::State::Failed) {
      text += r.path + "\terror\t" + r.error + "\n";
    }
  }
  return text;
}

nlohmann::json resultsJson(const std::vector<ImageResult>& results) {
  nlohmann::json all = nlohmann::json::array();
  for (const ImageResult& r : results) {
    nlohmann::json j = {{"path", r.path}};
    if (r.state == ImageResult::State::Classified) {
      j["top"] = nlohmann::json::array();
      for (const Prediction& p : r.top) {
        j["top"].push_back(
            {{"class", p.classIndex}, {"label", p.label}, {"probability", p.probability}});
      }
      j["ms_per_image"] = r.msPerImage;
      j["batch"] = r.batch;
    } else if (r.state == ImageResult::State::Failed) {
      j["error"] = r.error;
    } else {
      j["state"] = r.state == ImageResult::State::Cancelled ? "cancelled" : "waiting";
    }
    all.push_back(j);
  }
  return all;
}

}  // namespace vkc::view
