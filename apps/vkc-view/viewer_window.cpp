#include "vkc-view/viewer_window.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace vkc::view {
namespace {

constexpr const char* kBundledName = "Fashion-MNIST (bundled)";
// Events applied per main-loop turn: well under one 60 Hz frame, so frames keep coming.
constexpr double kEventBudgetMs = 8;
// Frames drawn after the last result before the self-test's screenshot (layout settles).
constexpr int kFramesBeforeScreenshot = 3;

double msBetween(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

ViewerWindow::ViewerWindow(GtkApplication* app, ViewOptions options)
    : options_(std::move(options)) {
  window_ = gtk_application_window_new(app);
  gtk_window_set_title(GTK_WINDOW(window_), "vkc-view");
  gtk_window_set_default_size(GTK_WINDOW(window_), 1100, 720);
  buildHeader();
  buildBody();
  installActions(app);
  monitor_.attach(window_);

  std::string warning;
  settings_ = options_.applyTo(loadSettings(&warning));
  if (!warning.empty()) {
    std::fprintf(stderr, "vkc-view: %s\n", warning.c_str());
    addProblem(warning);
  }
  syncControls();
  engine_ = std::make_unique<Engine>([this] { g_idle_add(&ViewerWindow::onWake, this); },
                                     options_.validation, !options_.noExifRotate);
  applyModel(settings_);
  if (!options_.inputs.empty()) openInputs(options_.inputs);
  statusTimer_ = g_timeout_add(100, &ViewerWindow::onStatusTimer, this);
  updateStatus();
  gtk_window_present(GTK_WINDOW(window_));
  gtk_widget_grab_focus(grid_.view());  // the arrows move through the images
}

ViewerWindow::~ViewerWindow() {
  g_source_remove(statusTimer_);
  engine_.reset();  // its threads end before the window goes
}

int ViewerWindow::exitCode() const {
  bool imageFailed = false;
  for (const ImageResult& r : results_)
    imageFailed |= r.state == ImageResult::State::Failed;
  return imageFailed || modelFailed_ || selfTestFailed_ ? 1 : 0;
}

double ViewerWindow::msSinceStart() const {
  return msBetween(options_.started, std::chrono::steady_clock::now());
}

void ViewerWindow::buildHeader() {
  GtkWidget* header = gtk_header_bar_new();
  GtkWidget* open = gtk_button_new_with_mnemonic("_Open…");
  gtk_actionable_set_action_name(GTK_ACTIONABLE(open), "win.open");
  gtk_widget_set_tooltip_text(open, "Open images (Ctrl+O); folders: Ctrl+Shift+O, or drop them");
  GtkWidget* folder = gtk_button_new_from_icon_name("folder-open-symbolic");
  gtk_actionable_set_action_name(GTK_ACTIONABLE(folder), "win.open-folder");
  gtk_widget_set_tooltip_text(folder, "Open a folder (Ctrl+Shift+O)");
  gtk_header_bar_pack_start(GTK_HEADER_BAR(header), open);
  gtk_header_bar_pack_start(GTK_HEADER_BAR(header), folder);

  std::vector<const char*> models{kBundledName};
  for (const char* name : kModelNames)
    models.push_back(name);
  models.push_back(nullptr);
  modelDrop_ = gtk_drop_down_new_from_strings(models.data());
  gtk_widget_set_tooltip_text(modelDrop_,
                              "The network: the bundled model, or one of the four "
                              "with a .safetensors file (timm's names)");
  weightsButton_ = gtk_button_new_with_label("Weights…");
  gtk_widget_set_tooltip_text(weightsButton_, "The .safetensors file for the chosen network");
  deviceNames_ = gtk_string_list_new(nullptr);
  gtk_string_list_append(deviceNames_, "Automatic device");
  deviceDrop_ = gtk_drop_down_new(G_LIST_MODEL(deviceNames_), nullptr);
  gtk_widget_set_tooltip_text(deviceDrop_, "The Vulkan device (vkc-info lists them)");
  const char* precisions[] = {"fp32", "fp16", nullptr};
  precisionDrop_ = gtk_drop_down_new_from_strings(precisions);
  gtk_widget_set_tooltip_text(precisionDrop_, "Weights and activations in fp32 or fp16");
  GtkWidget* copy = gtk_menu_button_new();
  gtk_menu_button_set_icon_name(GTK_MENU_BUTTON(copy), "edit-copy-symbolic");
  gtk_widget_set_tooltip_text(copy, "Copy results (Ctrl+C text, Ctrl+Shift+C JSON)");
  GMenu* menu = g_menu_new();
  g_menu_append(menu, "Copy results as text", "win.copy-text");
  g_menu_append(menu, "Copy results as JSON", "win.copy-json");
  gtk_menu_button_set_menu_model(GTK_MENU_BUTTON(copy), G_MENU_MODEL(menu));
  g_object_unref(menu);
  for (GtkWidget* w : {copy, precisionDrop_, deviceDrop_, weightsButton_, modelDrop_}) {
    gtk_header_bar_pack_end(GTK_HEADER_BAR(header), w);
  }
  gtk_window_set_titlebar(GTK_WINDOW(window_), header);
}

void ViewerWindow::buildBody() {
  gtk_widget_set_size_request(grid_.widget(), 300, -1);
  grid_.onSelect([this] { showSelected(); });
  grid_.onActivate([this] { setFullDetail(true); });  // Enter or a double click

  detailScroller_ = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(detailScroller_), detail_.widget());
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(detailScroller_), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request(detailScroller_, 340, -1);
  GtkWidget* paned = gtk_paned_new(GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child(GTK_PANED(paned), grid_.widget());
  gtk_paned_set_end_child(GTK_PANED(paned), detailScroller_);
  gtk_paned_set_resize_end_child(GTK_PANED(paned), FALSE);
  gtk_paned_set_shrink_end_child(GTK_PANED(paned), FALSE);
  gtk_widget_set_vexpand(paned, TRUE);

  problemList_ = gtk_list_box_new();
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(problemList_), GTK_SELECTION_NONE);
  GtkWidget* problemScroller = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(problemScroller), problemList_);
  gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(problemScroller), 140);
  gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(problemScroller), TRUE);
  problems_ = gtk_expander_new("");
  gtk_expander_set_child(GTK_EXPANDER(problems_), problemScroller);
  gtk_expander_set_expanded(GTK_EXPANDER(problems_), TRUE);
  gtk_widget_set_margin_start(problems_, 8);
  gtk_widget_set_visible(problems_, FALSE);

  spinner_ = gtk_spinner_new();
  status_ = gtk_label_new("");
  gtk_label_set_ellipsize(GTK_LABEL(status_), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign(GTK_LABEL(status_), 0);
  gtk_widget_set_hexpand(status_, TRUE);
  progress_ = gtk_progress_bar_new();
  gtk_widget_set_valign(progress_, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request(progress_, 160, -1);
  cancel_ = gtk_button_new_with_label("Cancel");
  gtk_actionable_set_action_name(GTK_ACTIONABLE(cancel_), "win.cancel");
  timing_ = gtk_label_new("");
  GtkWidget* statusBar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  for (int side : {0, 1}) {
    (side ? gtk_widget_set_margin_end : gtk_widget_set_margin_start)(statusBar, 8);
  }
  gtk_widget_set_margin_top(statusBar, 4);
  gtk_widget_set_margin_bottom(statusBar, 4);
  for (GtkWidget* w : {spinner_, status_, progress_, cancel_, timing_}) {
    gtk_box_append(GTK_BOX(statusBar), w);
  }

  GtkWidget* body = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(body), paned);
  gtk_box_append(GTK_BOX(body), problems_);
  gtk_box_append(GTK_BOX(body), gtk_separator_new(GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append(GTK_BOX(body), statusBar);
  gtk_window_set_child(GTK_WINDOW(window_), body);
}

// ---- the model ----

void ViewerWindow::syncControls() {
  updatingControls_ = true;
  guint model = 0;
  for (guint i = 0; i < std::size(kModelNames); ++i)
    model = settings_.model == kModelNames[i] ? i + 1 : model;
  gtk_drop_down_set_selected(GTK_DROP_DOWN(modelDrop_), model);
  gtk_widget_set_sensitive(weightsButton_, !settings_.bundled());
  gtk_button_set_label(GTK_BUTTON(weightsButton_),
                       settings_.weights.empty() || settings_.bundled()
                           ? "Weights…"
                           : std::filesystem::path(settings_.weights).filename().c_str());
  guint device = 0;
  for (size_t i = 0; i < devices_.size(); ++i)
    device = devices_[i].index == settings_.device ? i + 1 : device;
  gtk_drop_down_set_selected(GTK_DROP_DOWN(deviceDrop_), device);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(precisionDrop_), settings_.precision == "fp16");
  updatingControls_ = false;
}

void ViewerWindow::controlsChanged() {
  if (updatingControls_) return;
  ModelSettings s = settings_;
  const guint model = gtk_drop_down_get_selected(GTK_DROP_DOWN(modelDrop_));
  const std::string name = model == 0 ? "" : kModelNames[model - 1];
  if (name != s.model) s.weights.clear();  // a file is for one network
  s.model = name;
  const guint device = gtk_drop_down_get_selected(GTK_DROP_DOWN(deviceDrop_));
  s.device = device == 0 || device > devices_.size() ? -1 : devices_[device - 1].index;
  s.precision = gtk_drop_down_get_selected(GTK_DROP_DOWN(precisionDrop_)) == 1 ? "fp16" : "fp32";
  if (s == settings_) return;
  applyModel(s);
  if (!s.bundled() && s.weights.empty()) chooseWeights();
}

void ViewerWindow::useWeights(const std::string& path) {
  ModelSettings s = settings_;
  s.weights = path;
  applyModel(s);
}

void ViewerWindow::applyModel(const ModelSettings& settings) {
  settings_ = settings;
  syncControls();
  request();
  serial_ = engine_->loadModel(settings_);
  modelReady_ = modelFailed_ = false;
  modelError_.clear();
  preprocessing_.reset();
  updateStatus();
}

// ---- events from the engine ----

gboolean ViewerWindow::onWake(gpointer data) {
  return static_cast<ViewerWindow*>(data)->applyEvents() ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

bool ViewerWindow::applyEvents() {
  for (Event& e : engine_->takeEvents())
    pending_.push_back(std::move(e));
  const auto start = std::chrono::steady_clock::now();
  while (!pending_.empty() && msBetween(start, std::chrono::steady_clock::now()) < kEventBudgetMs) {
    Event event = std::move(pending_.front());
    pending_.pop_front();
    std::visit([this](auto& e) { handle(e); }, event);
  }
  const int selected = grid_.selected();
  const bool moreCells = grid_.addNewResults();  // the first cell added is selected
  if (std::exchange(detailStale_, false) || grid_.selected() != selected) showSelected();
  updateStatus();
  monitor_.eventTurn(msBetween(start, std::chrono::steady_clock::now()));
  return !pending_.empty() || moreCells;
}

void ViewerWindow::handle(DevicesListed& e) {
  devices_ = e.devices;
  for (const DeviceDescription& d : devices_) {
    const std::string name = std::to_string(d.index) + ": " + d.name + " (" + d.type + ")";
    gtk_string_list_append(deviceNames_, name.c_str());
  }
  if (!e.error.empty()) addProblem(e.error);
  syncControls();
}

void ViewerWindow::handle(ModelLoading& e) {
  if (e.serial != serial_) return;
  loadStep_ = e.step;
  if (!e.step.empty()) return;  // progress of the load already shown
  loading_ = true;
  loadStart_ = std::chrono::steady_clock::now();
  modelLine_ = e.description;
}

void ViewerWindow::handle(ModelReady& e) {
  if (e.serial != serial_) return;
  loading_ = false;
  modelReady_ = true;
  loadMs_ = e.loadMs;
  preprocessing_ = e.preprocessing;
  char line[512];
  std::snprintf(line, sizeof line, "%s on %s (loaded in %.2f s)", e.description.c_str(),
                e.deviceName.c_str(), e.loadMs / 1000);
  modelLine_ = line;
  if (std::string error = saveSettings(settings_); !error.empty()) addProblem(error);
  // What the previous network classified, again with this one.
  std::vector<std::pair<int, std::string>> again;
  for (size_t id = 0; id < results_.size(); ++id) {
    ImageResult& r = results_[id];
    if (r.state != ImageResult::State::Classified || r.modelSerial == serial_) continue;
    setState(int(id), ImageResult::State::Decoded);
    again.emplace_back(int(id), r.path);
  }
  if (!again.empty()) {
    request();
    engine_->reclassify(again);
  }
  detailStale_ = true;
}

void ViewerWindow::handle(ModelFailed& e) {
  if (e.serial != serial_) return;
  loading_ = false;
  modelFailed_ = true;
  modelError_ = e.message;
  modelLine_ = "no model";
  addProblem("model " + settings_.describe() + ": " + e.message);
  maybeFinish();
}

void ViewerWindow::handle(ImageFound& e) {
  ImageResult r;
  r.path = e.path;
  results_.push_back(std::move(r));  // its cell comes with the others at the end of the turn
}

void ViewerWindow::handle(ImageDecoded& e) {
  ImageResult& r = results_[e.id];
  r.width = e.width;
  r.height = e.height;
  r.preview = std::move(e.preview);
  if (r.state == ImageResult::State::Waiting) setState(e.id, ImageResult::State::Decoded);
  grid_.setThumbnail(e.id, e.thumbnail);
  if (firstThumbnailMs_ < 0) thumbnailShownPending_ = true;
  detailStale_ |= e.id == grid_.selected();
}

void ViewerWindow::handle(ImageFailed& e) {
  results_[e.id].error = e.message;
  setState(e.id, ImageResult::State::Failed);
  addProblem(e.message);
}

void ViewerWindow::handle(ImageClassified& e) {
  if (e.modelSerial != serial_) return;  // the previous network's: reclassified after its load
  ImageResult& r = results_[e.id];
  r.top = std::move(e.top);
  r.modelSerial = e.modelSerial;
  r.msPerImage = e.msPerImage;
  r.batch = e.batch;
  setState(e.id, ImageResult::State::Classified);
  const auto now = std::chrono::steady_clock::now();
  if (!runStart_) {  // the run began when this batch did
    runStart_ = now - std::chrono::microseconds(int64_t(e.msPerImage * e.batch * 1000));
    runImages_ = 0;
    runMsSum_ = 0;
  }
  ++runImages_;
  runMsSum_ += e.msPerImage;
  imagesPerSecond_ = runImages_ * 1000.0 / std::max(1e-3, msBetween(*runStart_, now));
  if (firstResultMs_ < 0) resultShownPending_ = true;
}

void ViewerWindow::handle(WorkIdle& e) {
  if (e.requests != requests_) return;  // a later request's work is still to come
  busy_ = false;
  monitor_.setBusy(false);
  runStart_.reset();
  // Whatever is not done now never will be (cancelled, or found just before the cancel).
  for (size_t id = 0; id < results_.size(); ++id) {
    if (results_[id].final()) continue;
    setState(int(id), ImageResult::State::Cancelled);
  }
  maybeFinish();
}

void ViewerWindow::handle(FilesSkipped& e) {
  // One line, as vkc-classify prints it; every name on hover (at most kSkippedListed).
  constexpr size_t kSkippedListed = 200;
  std::string all;
  for (size_t i = 0; i < std::min(e.paths.size(), kSkippedListed); ++i)
    all += (i ? "\n" : "") + e.paths[i];
  if (e.paths.size() > kSkippedListed) all += "\n…";
  addProblem(e.summary, all);
}

void ViewerWindow::setState(int id, ImageResult::State state) {
  ImageResult& r = results_[id];
  finalCount_ -= r.final();
  r.state = state;
  finalCount_ += r.final();
  grid_.refresh(id);
  detailStale_ |= id == grid_.selected();
}

void ViewerWindow::addProblem(const std::string& message, const std::string& tooltip) {
  ++problemCount_;
  problemMessages_.push_back(message);
  GtkWidget* label = gtk_label_new(message.c_str());
  if (!tooltip.empty()) gtk_widget_set_tooltip_text(label, tooltip.c_str());
  gtk_label_set_wrap(GTK_LABEL(label), TRUE);
  gtk_label_set_selectable(GTK_LABEL(label), TRUE);
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  gtk_list_box_append(GTK_LIST_BOX(problemList_), label);
  const std::string title = "Problems (" + std::to_string(problemCount_) + ")";
  gtk_expander_set_label(GTK_EXPANDER(problems_), title.c_str());
  gtk_widget_set_visible(problems_, TRUE);
}

void ViewerWindow::updateStatus() {
  // Without a model the queued images wait (for another model, or Cancel): nothing spins.
  const bool working = busy_ && !modelFailed_;
  gtk_spinner_set_spinning(GTK_SPINNER(spinner_), working);
  gtk_widget_set_visible(spinner_, working);
  const int total = int(results_.size());
  char text[768];
  if (loading_) {
    std::snprintf(text, sizeof text, "Loading %s… %s%s%.1f s", modelLine_.c_str(),
                  loadStep_.c_str(), loadStep_.empty() ? "" : " · ",
                  msBetween(loadStart_, std::chrono::steady_clock::now()) / 1000);
  } else if (modelFailed_) {
    std::snprintf(text, sizeof text, "Could not load the model: %s — choose another",
                  modelError_.c_str());
  } else if (busy_ && total) {
    std::snprintf(text, sizeof text, "%s · classifying %d of %d", modelLine_.c_str(), finalCount_,
                  total);
  } else {
    std::snprintf(text, sizeof text, "%s · %d images%s", modelLine_.c_str(), total,
                  total ? "" : " — open some with Ctrl+O or drop them here");
  }
  gtk_label_set_text(GTK_LABEL(status_), text);
  gtk_widget_set_visible(progress_, working && total > 0);
  gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(progress_),
                                total ? double(finalCount_) / total : 0);
  gtk_widget_set_sensitive(cancel_, busy_ && total > finalCount_);
  if (runImages_) {
    std::snprintf(text, sizeof text, "%.2f ms/image · %.0f images/s", runMsSum_ / runImages_,
                  imagesPerSecond_);
    gtk_label_set_text(GTK_LABEL(timing_), text);
  }
}

gboolean ViewerWindow::onStatusTimer(gpointer data) {
  auto* self = static_cast<ViewerWindow*>(data);
  if (self->loading_) self->updateStatus();  // the load's seconds count up
  return G_SOURCE_CONTINUE;
}

void ViewerWindow::showSelected() {
  const int id = grid_.selected();
  detail_.show(id >= 0 && size_t(id) < results_.size() ? &results_[id] : nullptr, preprocessing_);
}

void ViewerWindow::openInputs(const std::vector<std::string>& inputs) {
  if (inputs.empty()) return;
  request();
  engine_->open(inputs);
  updateStatus();
}

void ViewerWindow::cancel() {
  engine_->cancel();
}

// ---- the self-test ----

void ViewerWindow::maybeFinish() {
  const bool done = modelFailed_ || (modelReady_ && !busy_ && finalCount_ == int(results_.size()));
  // Without --quit-after-results the state file is also written whenever all work is done,
  // so that a test driving the window knows when the results are in.
  if (done && !options_.quitAfterResults) writeState(options_.stateJson);
  if (!options_.quitAfterResults || finishCountdown_ >= 0) return;
  if (done) finishCountdown_ = kFramesBeforeScreenshot;
  if (done && allResultsMs_ < 0) allResultsMs_ = msSinceStart();
}

void ViewerWindow::afterPaint() {
  if (thumbnailShownPending_) firstThumbnailMs_ = msSinceStart();
  if (resultShownPending_) firstResultMs_ = msSinceStart();
  thumbnailShownPending_ = resultShownPending_ = false;
  if (finishCountdown_ > 0 && --finishCountdown_ == 0) finish();
}

void ViewerWindow::finish() {
  if (std::exchange(finished_, true)) return;
  if (!options_.screenshot.empty()) {
    std::string error = saveScreenshot(window_, options_.screenshot);
    if (!error.empty()) {
      std::fprintf(stderr, "vkc-view: %s\n", error.c_str());
      selfTestFailed_ = true;
    }
  }
  writeState(options_.stateJson);
  g_application_quit(g_application_get_default());
}

void ViewerWindow::writeState(const std::string& path) {
  if (path.empty()) return;
  nlohmann::json state;
  state["results"] = resultsJson(results_);
  state["thumbnails"] = drawnBounds(window_, grid_.widget(), grid_.pictures());
  state["window"] = screenshotSize(window_);
  state["problems"] = problemCount_;
  state["problem_messages"] = problemMessages_;
  state["selected"] = grid_.selected();
  state["full_detail"] = fullDetail_;
  state["copies"] = copies_;
  state["model"] = {{"settings", settings_.describe()},
                    {"ready", modelReady_},
                    {"error", modelError_},
                    {"load_ms", loadMs_}};
  state["timings"] = {{"startup_to_first_thumbnail_ms", firstThumbnailMs_},
                      {"startup_to_first_result_ms", firstResultMs_},
                      {"startup_to_all_results_ms", allResultsMs_},
                      {"ms_per_image", runImages_ ? runMsSum_ / runImages_ : 0},
                      {"images_per_second", imagesPerSecond_}};
  state["frames"] = monitor_.report();
  state["validation_messages"] = engine_->validationMessages();
  // Written whole, then renamed: a test polling for the file never reads half of it.
  const std::string partial = path + ".partial";
  std::ofstream out(partial);
  out << state.dump(2) << "\n";
  out.close();
  if (!out || std::rename(partial.c_str(), path.c_str()) != 0) {
    std::fprintf(stderr, "vkc-view: %s: cannot write\n", path.c_str());
    selfTestFailed_ = true;
  }
}

}  // namespace vkc::view
