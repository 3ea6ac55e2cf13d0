#include "vkc-view/thumbnail_grid.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

#include "vkc-view/engine.hpp"

namespace vkc::view {
namespace {

GdkTexture* textureFrom(const Image& image) {
  GBytes* bytes = g_bytes_new(image.rgb.data(), image.rgb.size());
  GdkTexture* texture = gdk_memory_texture_new(image.width, image.height, GDK_MEMORY_R8G8B8, bytes,
                                               size_t(3) * image.width);
  g_bytes_unref(bytes);
  return texture;
}

ThumbnailGrid* self(gpointer data) {
  return static_cast<ThumbnailGrid*>(data);
}

}  // namespace

ThumbnailGrid::ThumbnailGrid(const std::vector<ImageResult>& results) : results_(results) {
  ids_ = gtk_string_list_new(nullptr);
  selection_ = gtk_single_selection_new(G_LIST_MODEL(ids_));  // takes ids_
  GtkListItemFactory* factory = gtk_signal_list_item_factory_new();
  g_signal_connect(factory, "setup", G_CALLBACK(&ThumbnailGrid::setup), this);
  g_signal_connect(factory, "bind", G_CALLBACK(&ThumbnailGrid::bind), this);
  g_signal_connect(factory, "unbind", G_CALLBACK(&ThumbnailGrid::unbind), this);
  view_ = gtk_grid_view_new(GTK_SELECTION_MODEL(selection_), factory);  // takes both
  gtk_grid_view_set_max_columns(GTK_GRID_VIEW(view_), 64);
  g_signal_connect_swapped(selection_, "selection-changed", G_CALLBACK(+[](ThumbnailGrid* g) {
                             if (g->onSelect_) g->onSelect_();
                           }),
                           this);
  g_signal_connect_swapped(view_, "activate", G_CALLBACK(+[](ThumbnailGrid* g) {
                             if (g->onActivate_) g->onActivate_();
                           }),
                           this);
  scroller_ = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroller_), view_);
  gtk_widget_set_hexpand(scroller_, TRUE);
  gtk_widget_set_vexpand(scroller_, TRUE);
}

ThumbnailGrid::~ThumbnailGrid() {
  for (GdkTexture* t : thumbnails_) {
    if (t) g_object_unref(t);
  }
}

void ThumbnailGrid::setup(GtkSignalListItemFactory*, GtkListItem* item, gpointer) {
  auto* cell = new Cell;
  cell->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget* frame = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);  // fixed size, picture centred
  gtk_widget_set_size_request(frame, kThumbnailBox, kThumbnailBox);
  // At its own size: thumbnails are made to fit the box, and GTK would blur an enlargement.
  cell->picture = gtk_picture_new();
  gtk_picture_set_can_shrink(GTK_PICTURE(cell->picture), FALSE);
  gtk_widget_set_halign(cell->picture, GTK_ALIGN_CENTER);
  gtk_widget_set_valign(cell->picture, GTK_ALIGN_CENTER);
  gtk_widget_set_vexpand(cell->picture, TRUE);
  gtk_box_append(GTK_BOX(frame), cell->picture);
  cell->caption = gtk_label_new("");
  cell->name = gtk_label_new("");
  for (GtkWidget* label : {cell->caption, cell->name}) {
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_MIDDLE);
    gtk_label_set_max_width_chars(GTK_LABEL(label), 16);
    gtk_label_set_width_chars(GTK_LABEL(label), 16);
  }
  gtk_widget_add_css_class(cell->name, "dim-label");
  gtk_box_append(GTK_BOX(cell->box), frame);
  gtk_box_append(GTK_BOX(cell->box), cell->caption);
  gtk_box_append(GTK_BOX(cell->box), cell->name);
  gtk_list_item_set_child(item, cell->box);
  g_object_set_data_full(G_OBJECT(item), "cell", cell,
                         [](gpointer c) { delete static_cast<Cell*>(c); });
}

void ThumbnailGrid::bind(GtkSignalListItemFactory*, GtkListItem* item, gpointer data) {
  auto* cell = static_cast<Cell*>(g_object_get_data(G_OBJECT(item), "cell"));
  cell->id =
      std::stoi(gtk_string_object_get_string(GTK_STRING_OBJECT(gtk_list_item_get_item(item))));
  self(data)->bound_[cell->id] = cell;
  self(data)->show(*cell);
}

void ThumbnailGrid::unbind(GtkSignalListItemFactory*, GtkListItem* item, gpointer data) {
  auto* cell = static_cast<Cell*>(g_object_get_data(G_OBJECT(item), "cell"));
  self(data)->bound_.erase(cell->id);
  cell->id = -1;
}

void ThumbnailGrid::show(Cell& cell) {
  const ImageResult& r = results_[cell.id];
  GdkTexture* thumbnail = size_t(cell.id) < thumbnails_.size() ? thumbnails_[cell.id] : nullptr;
  gtk_picture_set_paintable(GTK_PICTURE(cell.picture), GDK_PAINTABLE(thumbnail));
  std::string caption = "…", tip = r.path;
  switch (r.state) {
    case ImageResult::State::Classified:
      caption = predictionText(r.top[0]);
      for (const Prediction& p : r.top)
        tip += "\n" + predictionText(p);
      break;
    case ImageResult::State::Failed:
      caption = "cannot classify";
      tip = r.error;
      break;
    case ImageResult::State::Cancelled:
      caption = "cancelled";
      break;
    default:
      break;
  }
  gtk_label_set_text(GTK_LABEL(cell.caption), caption.c_str());
  if (r.state == ImageResult::State::Failed) {
    gtk_widget_add_css_class(cell.caption, "error");
  } else {
    gtk_widget_remove_css_class(cell.caption, "error");
  }
  gtk_label_set_text(GTK_LABEL(cell.name), std::filesystem::path(r.path).filename().c_str());
  gtk_widget_set_tooltip_text(cell.box, tip.c_str());
}

bool ThumbnailGrid::addNewResults() {
  const guint have = g_list_model_get_n_items(G_LIST_MODEL(ids_));
  const size_t end = std::min(results_.size(), size_t(have) + kCellsPerTurn);
  std::vector<std::string> ids;
  for (size_t id = have; id < end; ++id)
    ids.push_back(std::to_string(id));
  std::vector<const char*> strings;
  for (const std::string& id : ids)
    strings.push_back(id.c_str());
  strings.push_back(nullptr);
  if (!ids.empty()) gtk_string_list_splice(ids_, have, 0, strings.data());
  return end < results_.size();
}

void ThumbnailGrid::setThumbnail(int id, const Image& thumbnail) {
  if (thumbnails_.size() <= size_t(id)) thumbnails_.resize(id + 1, nullptr);
  if (thumbnails_[id]) g_object_unref(thumbnails_[id]);
  thumbnails_[id] = textureFrom(thumbnail);
  refresh(id);
}

void ThumbnailGrid::refresh(int id) {
  if (auto it = bound_.find(id); it != bound_.end()) show(*it->second);
}

int ThumbnailGrid::selected() const {
  const guint position = gtk_single_selection_get_selected(selection_);
  return position == GTK_INVALID_LIST_POSITION ? -1 : int(position);
}

void ThumbnailGrid::select(int id) {
  if (id >= 0 && guint(id) < g_list_model_get_n_items(G_LIST_MODEL(ids_))) {
    gtk_single_selection_set_selected(selection_, id);
  }
}

std::vector<GtkWidget*> ThumbnailGrid::pictures() const {
  std::vector<GtkWidget*> all(results_.size(), nullptr);
  for (const auto& [id, cell] : bound_)
    all[id] = cell->picture;
  return all;
}

}  // namespace vkc::view
