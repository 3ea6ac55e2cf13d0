#pragma once
// The grid of thumbnails, each with its top-1 label and probability (or why it has none) and its
// file name. A GtkGridView: only the cells on screen exist as widgets, so a folder of thousands
// of images costs no more per frame than a screenful. Its model is a list of the images' ids
// (GtkStringList); what a cell shows is read from the window's ImageResults when it is bound.
#include <gtk/gtk.h>

#include <functional>
#include <unordered_map>
#include <vector>

#include "vkc-view/image_result.hpp"

namespace vkc::view {

// GTK 4.8's grid view does work per item added, so a large folder added in one change would hold
// the window for many frames: cells are added a few per main-loop turn, each turn well within a
// frame (docs/performance.md, "Design choices, measured").
constexpr size_t kCellsPerTurn = 24;

class ThumbnailGrid {
 public:
  // `results` outlives the grid; ids index it.
  explicit ThumbnailGrid(const std::vector<ImageResult>& results);
  ~ThumbnailGrid();
  GtkWidget* widget() const { return scroller_; }
  GtkWidget* view() const { return view_; }
  // Called when the selection changes, and on Enter or a double click.
  void onSelect(std::function<void()> f) { onSelect_ = std::move(f); }
  void onActivate(std::function<void()> f) { onActivate_ = std::move(f); }

  // Cells for up to kCellsPerTurn of the results added since; true: more are waiting.
  bool addNewResults();
  void setThumbnail(int id, const Image& thumbnail);
  void refresh(int id);  // its caption, after its result changed
  int selected() const;  // -1: none
  void select(int id);
  // Per id, the picture widget on screen, or null (not bound to a cell).
  std::vector<GtkWidget*> pictures() const;

 private:
  struct Cell {
    GtkWidget *box, *picture, *caption, *name;
    int id = -1;
  };
  static void setup(GtkSignalListItemFactory*, GtkListItem* item, gpointer self);
  static void bind(GtkSignalListItemFactory*, GtkListItem* item, gpointer self);
  static void unbind(GtkSignalListItemFactory*, GtkListItem* item, gpointer self);
  void show(Cell& cell);

  const std::vector<ImageResult>& results_;
  std::vector<GdkTexture*> thumbnails_;  // per id; null until decoded
  std::unordered_map<int, Cell*> bound_;
  GtkStringList* ids_;
  GtkSingleSelection* selection_;
  GtkWidget *view_, *scroller_;
  std::function<void()> onSelect_, onActivate_;
};

}  // namespace vkc::view
