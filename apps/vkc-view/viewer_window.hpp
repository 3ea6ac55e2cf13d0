#pragma once
// vkc-view's window: the thumbnail grid, the detail of the selected image, the model, device and
// precision choosers, the status bar (progress, cancel, time per image, images/s) and the list
// of problems. All GTK work is on the GTK thread; the Engine does the rest and reports events,
// which are applied a few milliseconds at a time so that a frame is never held up.
#include <gtk/gtk.h>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "vkc-view/detail_view.hpp"
#include "vkc-view/engine.hpp"
#include "vkc-view/image_result.hpp"
#include "vkc-view/self_test.hpp"
#include "vkc-view/thumbnail_grid.hpp"
#include "vkc-view/view_options.hpp"

namespace vkc::view {

class ViewerWindow {
 public:
  ViewerWindow(GtkApplication* app, ViewOptions options);
  ~ViewerWindow();
  // What the process exits with: 1 when an image or the model failed (as vkc-classify), else 0.
  int exitCode() const;

  // Used by the GTK callbacks (viewer_window_actions.cpp).
  void openInputs(const std::vector<std::string>& inputs);
  void chooseFiles(bool folders);
  void chooseWeights();
  void useWeights(const std::string& path);
  void copyResults(bool json);
  void cancel();
  void setFullDetail(bool full);
  bool fullDetail() const { return fullDetail_; }
  void moveSelection(int step);
  void controlsChanged();
  void showSelected();
  void afterPaint();
  // Ctrl+Q, the close button, or the self-test done: the screenshot and state file, if asked
  // for, then the application quits.
  void finish();
  void writeState(const std::string& path);
  GtkWidget* window() const { return window_; }

 private:
  void buildHeader();
  void buildBody();
  void installActions(GtkApplication* app);
  void syncControls();
  void applyModel(const ModelSettings& settings);
  void request() { ++requests_, busy_ = true, monitor_.setBusy(true); }

  static gboolean onWake(gpointer self);
  bool applyEvents();  // true: more are waiting
  void handle(DevicesListed& e);
  void handle(ModelLoading& e);
  void handle(ModelReady& e);
  void handle(ModelFailed& e);
  void handle(ImageFound& e);
  void handle(ImageDecoded& e);
  void handle(ImageFailed& e);
  void handle(ImageClassified& e);
  void handle(WorkIdle& e);
  void handle(FilesSkipped& e);
  void setState(int id, ImageResult::State state);
  // A line in the Problems list (`tooltip`: more about it, shown on hover).
  void addProblem(const std::string& message, const std::string& tooltip = "");
  void updateStatus();
  static gboolean onStatusTimer(gpointer self);
  void maybeFinish();
  double msSinceStart() const;

  ViewOptions options_;
  ModelSettings settings_;
  std::unique_ptr<Engine> engine_;
  std::deque<Event> pending_;
  int requests_ = 0;  // open/reclassify/loadModel calls: WorkIdle must have seen all of them

  int serial_ = 0;  // the model asked for last
  bool loading_ = false, modelReady_ = false, modelFailed_ = false, busy_ = false;
  std::string modelLine_, modelError_;
  std::string loadStep_;  // the library's progress while loading (ModelLoading::step)
  std::chrono::steady_clock::time_point loadStart_;
  double loadMs_ = 0;
  std::optional<Preprocessing> preprocessing_;
  std::vector<DeviceDescription> devices_;
  bool updatingControls_ = false;

  std::vector<ImageResult> results_;
  int finalCount_ = 0, problemCount_ = 0;
  std::vector<std::string> problemMessages_;  // the Problems list's lines (the state file)
  // Throughput of the current run of work: images classified since it started.
  std::optional<std::chrono::steady_clock::time_point> runStart_;
  int runImages_ = 0;
  double runMsSum_ = 0, imagesPerSecond_ = 0;

  // Self-test measurements and the finish countdown (frames to wait before the screenshot).
  FrameMonitor monitor_;
  bool thumbnailShownPending_ = false, resultShownPending_ = false;
  double firstThumbnailMs_ = -1, firstResultMs_ = -1, allResultsMs_ = -1;
  int finishCountdown_ = -1;
  bool selfTestFailed_ = false, finished_ = false;
  int copies_ = 0;  // for the self-test's keyboard case

  GtkWidget* window_;
  GtkWidget *modelDrop_, *weightsButton_, *deviceDrop_, *precisionDrop_;
  GtkStringList* deviceNames_;
  ThumbnailGrid grid_{results_};
  GtkWidget* detailScroller_;
  DetailView detail_;
  GtkWidget *problems_, *problemList_;
  GtkWidget *spinner_, *status_, *progress_, *cancel_, *timing_;
  bool fullDetail_ = false;
  bool detailStale_ = false;  // the selected image's result changed this turn
  guint statusTimer_ = 0;
};

}  // namespace vkc::view
