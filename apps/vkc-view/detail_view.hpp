#pragma once
// The selected image, large: its picture with the model's input crop drawn as an outline
// (Network::preprocessing(): a centred square of cropFraction of the shorter side, or the whole
// image when the model squashes), its top-5 as bars, the file, its size and its time.
#include <gtk/gtk.h>

#include <optional>

#include "vkc-view/image_result.hpp"
#include "vkception/vkception.hpp"

namespace vkc::view {

class DetailView {
 public:
  DetailView();
  ~DetailView();
  GtkWidget* widget() const { return root_; }
  GtkWidget* picture() const { return picture_; }
  // `result` may be null (nothing selected); the preprocessing is the loaded model's, if any.
  void show(const ImageResult* result, const std::optional<Preprocessing>& preprocessing);

  // The crop in the image's own pixels: x, y, width, height.
  static std::array<double, 4> cropRect(int width, int height, const Preprocessing& p);

 private:
  static void draw(GtkDrawingArea*, cairo_t* cr, int width, int height, gpointer self);

  GtkWidget* root_;
  GtkWidget* picture_;  // a GtkDrawingArea
  GtkWidget* title_;
  GtkWidget* info_;
  GtkWidget* bars_[5];
  cairo_surface_t* surface_ = nullptr;  // the preview, drawn scaled
  int imageWidth_ = 0, imageHeight_ = 0;
  std::optional<Preprocessing> preprocessing_;
};

}  // namespace vkc::view
