#include "vkc-view/model_settings.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace vkc::view {

std::string ModelSettings::describe() const {
  if (bundled()) return "Fashion-MNIST (bundled)";
  return model + ": " + (weights.empty() ? "no weights" : fs::path(weights).filename().string());
}

std::string settingsPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  fs::path dir = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : ".") / ".config";
  return (dir / "vkception" / "vkc-view.json").string();
}

ModelSettings loadSettings(std::string* warning) {
  const std::string path = settingsPath();
  ModelSettings s;
  std::ifstream in(path);
  if (!in) return s;  // first run
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    s.model = j.value("model", "");
    s.weights = j.value("weights", "");
    s.device = j.value("device", -1);
    s.precision = j.value("precision", "fp32");
    bool knownModel = s.model.empty();
    for (const char* name : kModelNames)
      knownModel |= s.model == name;
    if (!knownModel) throw std::runtime_error("unknown model '" + s.model + "'");
    if (s.precision != "fp32" && s.precision != "fp16") {
      throw std::runtime_error("precision must be fp32 or fp16, not '" + s.precision + "'");
    }
    if (s.device < -1) throw std::runtime_error("device must be -1 or an index");
  } catch (const std::exception& e) {  // nlohmann errors too: a wrong type, broken JSON
    *warning = path + ": " + e.what() + "; using the defaults";
    return ModelSettings{};
  }
  return s;
}

std::string saveSettings(const ModelSettings& s) {
  const fs::path path = settingsPath();
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  nlohmann::json j = {
      {"model", s.model}, {"weights", s.weights}, {"device", s.device}, {"precision", s.precision}};
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  return out ? "" : path.string() + ": cannot write";
}

}  // namespace vkc::view
