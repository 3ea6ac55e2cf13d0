#pragma once
// Which network vkc-view runs, and where that choice is remembered between runs:
// $XDG_CONFIG_HOME/vkception/vkc-view.json (or ~/.config/vkception/vkc-view.json).
#include <string>

namespace vkc::view {

// The networks a weights file can be for (the model chooser's list).
constexpr const char* kModelNames[] = {"inception_v4", "inception_resnet_v2", "inception_v3",
                                       "inception_resnet_v1"};

struct ModelSettings {
  std::string model;               // empty: the bundled Fashion-MNIST model (weights ignored)
  std::string weights;             // .safetensors file for `model`
  int device = -1;                 // vkc::devices() index; -1: the library's choice
  std::string precision = "fp32";  // or "fp16"

  bool bundled() const { return model.empty(); }
  // "Fashion-MNIST (bundled)" or "inception_v4: model.safetensors", for the window.
  std::string describe() const;
  bool operator==(const ModelSettings& o) const {
    return model == o.model && weights == o.weights && device == o.device &&
           precision == o.precision;
  }
};

std::string settingsPath();
// The remembered settings; defaults when there are none. A file that cannot be used is
// reported in `warning` ("PATH: ...") and the defaults are returned.
ModelSettings loadSettings(std::string* warning);
// Empty on success, else why the file could not be written.
std::string saveSettings(const ModelSettings& settings);

}  // namespace vkc::view
