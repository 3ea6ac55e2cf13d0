#include "vkc-view/detail_view.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace vkc::view {
namespace {

// 8-bit RGB into a cairo image (0xffRRGGBB words).
cairo_surface_t* surfaceFrom(const Image& image) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, image.width, image.height);
  cairo_surface_flush(s);
  unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  for (int y = 0; y < image.height; ++y) {
    auto* row = reinterpret_cast<uint32_t*>(data + size_t(y) * stride);
    for (int x = 0; x < image.width; ++x) {
      const uint8_t* p = &image.rgb[(size_t(y) * image.width + x) * 3];
      row[x] = 0xff000000u | uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
    }
  }
  cairo_surface_mark_dirty(s);
  return s;
}

}  // namespace

std::array<double, 4> DetailView::cropRect(int width, int height, const Preprocessing& p) {
  if (p.cropMode == "squash") return {0, 0, double(width), double(height)};
  // Shorter side resized to inputSize / cropFraction, then an inputSize square from the
  // centre: in the image's pixels that square is cropFraction of the shorter side.
  const double side = std::min(width, height) * p.cropFraction;
  return {(width - side) / 2, (height - side) / 2, side, side};
}

DetailView::DetailView() {
  root_ = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start(root_, 12);
  gtk_widget_set_margin_end(root_, 12);
  gtk_widget_set_margin_top(root_, 12);
  gtk_widget_set_margin_bottom(root_, 12);
  title_ = gtk_label_new("No image selected");
  gtk_label_set_ellipsize(GTK_LABEL(title_), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class(title_, "title-4");
  picture_ = gtk_drawing_area_new();
  gtk_widget_set_size_request(picture_, 240, 240);
  gtk_widget_set_vexpand(picture_, TRUE);
  gtk_widget_set_focusable(picture_, TRUE);  // the focus while it fills the window
  gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(picture_), &DetailView::draw, this, nullptr);
  info_ = gtk_label_new("");
  gtk_label_set_wrap(GTK_LABEL(info_), TRUE);
  gtk_label_set_selectable(GTK_LABEL(info_), TRUE);
  gtk_label_set_xalign(GTK_LABEL(info_), 0);
  gtk_box_append(GTK_BOX(root_), title_);
  gtk_box_append(GTK_BOX(root_), picture_);
  for (GtkWidget*& bar : bars_) {
    bar = gtk_progress_bar_new();
    gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(bar), TRUE);
    gtk_box_append(GTK_BOX(root_), bar);
  }
  gtk_box_append(GTK_BOX(root_), info_);
  show(nullptr, std::nullopt);
}

DetailView::~DetailView() {
  if (surface_) cairo_surface_destroy(surface_);
}

void DetailView::show(const ImageResult* r, const std::optional<Preprocessing>& preprocessing) {
  if (surface_) cairo_surface_destroy(surface_);
  surface_ = r && !r->preview.rgb.empty() ? surfaceFrom(r->preview) : nullptr;
  imageWidth_ = r ? r->width : 0;
  imageHeight_ = r ? r->height : 0;
  preprocessing_ = preprocessing;
  gtk_widget_queue_draw(picture_);
  gtk_label_set_text(GTK_LABEL(title_),
                     r ? std::filesystem::path(r->path).filename().c_str() : "No image selected");
  const size_t shown = r && r->state == ImageResult::State::Classified ? r->top.size() : 0;
  for (size_t i = 0; i < 5; ++i) {
    gtk_widget_set_visible(bars_[i], i < shown);
    if (i >= shown) continue;
    gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(bars_[i]), r->top[i].probability);
    gtk_progress_bar_set_text(GTK_PROGRESS_BAR(bars_[i]), predictionText(r->top[i]).c_str());
  }
  std::string info;
  if (r) {
    info = r->path;
    if (r->width) info += "\n" + std::to_string(r->width) + " × " + std::to_string(r->height);
    if (r->state == ImageResult::State::Classified) {
      char timing[96];
      std::snprintf(timing, sizeof timing, "\n%.2f ms per image (batch of %d)", r->msPerImage,
                    r->batch);
      info += timing;
    }
    if (r->state == ImageResult::State::Failed) info += "\n" + r->error;
    if (r->state == ImageResult::State::Cancelled) info += "\ncancelled";
    if (preprocessing && r->width) {
      char crop[128];
      std::snprintf(crop, sizeof crop, "\nmodel input: %s %d × %d (outline), %s",
                    preprocessing->cropMode == "squash" ? "whole image to" : "centre crop to",
                    preprocessing->inputSize, preprocessing->inputSize,
                    preprocessing->interpolation.c_str());
      info += crop;
    }
  }
  gtk_label_set_text(GTK_LABEL(info_), info.c_str());
}

void DetailView::draw(GtkDrawingArea*, cairo_t* cr, int width, int height, gpointer data) {
  auto* self = static_cast<DetailView*>(data);
  if (!self->surface_ || !self->imageWidth_) return;
  const int pw = cairo_image_surface_get_width(self->surface_);
  const int ph = cairo_image_surface_get_height(self->surface_);
  const double scale = std::min(double(width) / pw, double(height) / ph);
  const double x0 = (width - pw * scale) / 2, y0 = (height - ph * scale) / 2;
  cairo_save(cr);
  cairo_translate(cr, x0, y0);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, self->surface_, 0, 0);
  // Enlarged small images (Fashion-MNIST's 28 x 28) stay sharp.
  cairo_pattern_set_filter(cairo_get_source(cr),
                           scale >= 1 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  if (!self->preprocessing_) return;
  auto [cx, cy, cw, ch] = cropRect(self->imageWidth_, self->imageHeight_, *self->preprocessing_);
  const double toView = scale * pw / self->imageWidth_;  // the file's pixels -> the view's
  cairo_rectangle(cr, x0 + cx * toView + 1, y0 + cy * toView + 1, cw * toView - 2, ch * toView - 2);
  cairo_set_line_width(cr, 2);
  cairo_set_source_rgb(cr, 1.0, 0.55, 0.0);
  double dash[] = {8, 4};
  cairo_set_dash(cr, dash, 2, 0);
  cairo_stroke(cr);
}

}  // namespace vkc::view
