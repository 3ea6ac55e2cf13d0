#pragma once
// vkc-view's command line (parsed in view_options.cpp with the apps' ArgParser).
#include <chrono>
#include <string>
#include <vector>

#include "vkc-view/model_settings.hpp"

namespace vkc::view {

struct ViewOptions {
  std::vector<std::string> inputs;
  // --model/--weights/--device/--precision: these instead of the remembered ones (and
  // remembered once they load).
  std::string model, weights, precision;
  int device = -1;
  ModelSettings applyTo(ModelSettings remembered) const;
  // Images as stored, not turned upright by their EXIF orientation (not remembered).
  bool noExifRotate = false;
  // Self-test: quit once every image has its result (exit 1 when one failed or the model did).
  // On quitting (that way or any other), write the window as a PNG and its state (results,
  // rendered thumbnails, timings, selection) as JSON.
  bool quitAfterResults = false;
  std::string screenshot, stateJson;
  bool validation = false;  // the Khronos validation layer; the state file counts its messages
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// -1: go on; else the exit code (0 after --help, 2 after a usage error, already printed).
int parseViewArgs(int argc, char** argv, ViewOptions& options);

}  // namespace vkc::view
