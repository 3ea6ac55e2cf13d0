#pragma once
// What the window knows about one opened image, and the "copy results" formats (text and
// JSON), which the self-test's state file reuses. No GTK here.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vkception/data.hpp"

namespace vkc::view {

struct ImageResult {
  enum class State { Waiting, Decoded, Classified, Failed, Cancelled };
  std::string path;
  State state = State::Waiting;
  int width = 0, height = 0;  // the file's, once decoded
  Image preview;              // at most kPreviewBox on a side
  std::vector<Prediction> top;
  int modelSerial = 0;  // the network that gave `top`
  double msPerImage = 0;
  int batch = 0;
  std::string error;

  // Nothing more will happen to it (until the model changes).
  bool final() const {
    return state == State::Classified || state == State::Failed || state == State::Cancelled;
  }
};

// One line per image: "PATH<TAB>LABEL<TAB>PROBABILITY" (top-1), or "PATH<TAB>error<TAB>MESSAGE".
std::string resultsText(const std::vector<ImageResult>& results);
// [{"path", "top": [{"class", "label", "probability"}...], "ms_per_image"} | {"path",
// "error"} | {"path", "state"}]: every image, in the window's order.
nlohmann::json resultsJson(const std::vector<ImageResult>& results);
// "Trouser 99.2 %"
std::string predictionText(const Prediction& p);

}  // namespace vkc::view
