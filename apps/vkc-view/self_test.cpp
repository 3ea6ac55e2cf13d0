#include "vkc-view/self_test.hpp"

#include <algorithm>

namespace vkc::view {

void FrameMonitor::attach(GtkWidget* widget) {
  attachedUs_ = g_get_monotonic_time();
  gtk_widget_add_tick_callback(widget, &FrameMonitor::tick, this, nullptr);
}

gboolean FrameMonitor::tick(GtkWidget*, GdkFrameClock* clock, gpointer data) {
  auto* self = static_cast<FrameMonitor*>(data);
  const gint64 now = gdk_frame_clock_get_frame_time(clock);
  if (self->lastUs_) {
    const double ms = (now - self->lastUs_) / 1000.0;
    ++self->frames_;
    self->longestMs_ = std::max(self->longestMs_, ms);
    if (self->busy_) {
      ++self->busyFrames_;
      if (ms > self->longestBusyMs_) self->longestBusyEndUs_ = now;
      self->longestBusyMs_ = std::max(self->longestBusyMs_, ms);
      self->busyFramesOver100Ms_ += ms > 100;
    }
  }
  self->lastUs_ = now;
  return G_SOURCE_CONTINUE;
}

nlohmann::json FrameMonitor::report() const {
  return {{"frames", frames_},
          {"longest_frame_ms", longestMs_},
          {"busy_frames", busyFrames_},
          {"longest_busy_frame_ms", longestBusyMs_},
          {"busy_frames_over_100ms", busyFramesOver100Ms_},
          // When it ended, after the window was made.
          {"longest_busy_frame_end_ms", (longestBusyEndUs_ - attachedUs_) / 1000.0},
          {"longest_event_turn_ms", longestTurnMs_}};
}

namespace {

// The window's box in its own coordinates: the border box, which starts left of and above the
// widget's origin (CSD borders); its paintable draws exactly that box.
graphene_rect_t windowBox(GtkWidget* window) {
  graphene_rect_t box;
  if (!gtk_widget_compute_bounds(window, window, &box)) {
    box = GRAPHENE_RECT_INIT(0, 0, float(gtk_widget_get_width(window)),
                             float(gtk_widget_get_height(window)));
  }
  return box;
}

}  // namespace

nlohmann::json screenshotSize(GtkWidget* window) {
  const graphene_rect_t box = windowBox(window);
  return {int(box.size.width), int(box.size.height)};
}

std::string saveScreenshot(GtkWidget* window, const std::string& path) {
  const graphene_rect_t box = windowBox(window);
  const int width = int(box.size.width), height = int(box.size.height);
  GdkPaintable* paintable = gtk_widget_paintable_new(window);
  GtkSnapshot* snapshot = gtk_snapshot_new();
  gdk_paintable_snapshot(paintable, snapshot, width, height);
  GskRenderNode* node = gtk_snapshot_free_to_node(snapshot);
  g_object_unref(paintable);
  if (!node) return "the window drew nothing";
  GskRenderer* renderer = gtk_native_get_renderer(GTK_NATIVE(window));
  graphene_rect_t area = GRAPHENE_RECT_INIT(0, 0, float(width), float(height));
  GdkTexture* texture = gsk_renderer_render_texture(renderer, node, &area);
  gsk_render_node_unref(node);
  const bool saved = gdk_texture_save_to_png(texture, path.c_str());
  g_object_unref(texture);
  return saved ? "" : path + ": cannot write";
}

nlohmann::json drawnBounds(GtkWidget* window, GtkWidget* viewport,
                           const std::vector<GtkWidget*>& pictures) {
  nlohmann::json all = nlohmann::json::array();
  const graphene_rect_t box = windowBox(window);
  graphene_rect_t visible;
  if (!gtk_widget_compute_bounds(viewport, window, &visible)) return all;
  for (GtkWidget* picture : pictures) {
    graphene_rect_t r;
    if (!picture || !gtk_widget_get_mapped(picture) ||
        !gtk_picture_get_paintable(GTK_PICTURE(picture)) ||
        !gtk_widget_compute_bounds(picture, window, &r) ||
        !graphene_rect_contains_rect(&visible, &r)) {
      all.push_back(nullptr);
      continue;
    }
    all.push_back(
        {r.origin.x - box.origin.x, r.origin.y - box.origin.y, r.size.width, r.size.height});
  }
  return all;
}

}  // namespace vkc::view
