#pragma once
// What the self-test (--quit-after-results) measures and saves from the running window: frame
// intervals, a PNG of the window as GTK rendered it, and where the thumbnails were drawn.
#include <gtk/gtk.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vkc::view {

// The time between consecutive frames of the window's frame clock (a tick callback keeps it
// running at the display's rate): a main loop held up by anything shows as a long frame.
class FrameMonitor {
 public:
  void attach(GtkWidget* widget);
  // Frames while busy (loading, decoding, classifying) are counted separately.
  void setBusy(bool busy) { busy_ = busy; }
  // The longest turn of the window's own event handling (part of a frame's time, or not).
  void eventTurn(double ms) { longestTurnMs_ = std::max(longestTurnMs_, ms); }
  nlohmann::json report() const;

 private:
  static gboolean tick(GtkWidget*, GdkFrameClock* clock, gpointer self);
  gint64 lastUs_ = 0;
  bool busy_ = false;
  int frames_ = 0, busyFrames_ = 0;
  double longestMs_ = 0, longestBusyMs_ = 0, busyFramesOver100Ms_ = 0, longestTurnMs_ = 0;
  gint64 attachedUs_ = 0, longestBusyEndUs_ = 0;
};

// The window as its renderer draws it, as a PNG. Empty on success, else the problem.
std::string saveScreenshot(GtkWidget* window, const std::string& path);

// The window's size as saveScreenshot draws it: [width, height].
nlohmann::json screenshotSize(GtkWidget* window);

// [x, y, width, height] in the screenshot's pixels of each widget
// in `pictures` that is drawn: mapped, holding a picture, and inside `viewport`.
nlohmann::json drawnBounds(GtkWidget* window, GtkWidget* viewport,
                           const std::vector<GtkWidget*>& pictures);

}  // namespace vkc::view
