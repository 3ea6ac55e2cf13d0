// The window's GTK wiring: actions and their shortcuts, file choosers, drag and drop, keys,
// the clipboard. What they do is in viewer_window.cpp.
#include <memory>

#include "vkc-view/viewer_window.hpp"

namespace vkc::view {
namespace {

ViewerWindow* self(gpointer data) {
  return static_cast<ViewerWindow*>(data);
}

// Local paths of `files` (a GListModel or GSList of GFile); a file with no local path (a
// remote URI) is passed as its URI, which then fails with "no such file" and is listed.
void addPath(GFile* file, std::vector<std::string>& paths) {
  char* path = g_file_get_path(file);
  char* uri = path ? nullptr : g_file_get_uri(file);
  paths.push_back(path ? path : uri);
  g_free(path);
  g_free(uri);
}

void onAction(GSimpleAction* action, GVariant*, gpointer data) {
  const std::string name = g_action_get_name(G_ACTION(action));
  ViewerWindow* w = self(data);
  if (name == "open") w->chooseFiles(false);
  if (name == "open-folder") w->chooseFiles(true);
  if (name == "copy-text") w->copyResults(false);
  if (name == "copy-json") w->copyResults(true);
  if (name == "cancel") w->cancel();
  if (name == "back") w->setFullDetail(false);
  if (name == "quit") w->finish();
}

gboolean onDrop(GtkDropTarget*, const GValue* value, double, double, gpointer data) {
  if (!G_VALUE_HOLDS(value, GDK_TYPE_FILE_LIST)) return FALSE;
  std::vector<std::string> paths;
  auto* list = static_cast<GdkFileList*>(g_value_get_boxed(value));
  GSList* files = gdk_file_list_get_files(list);
  for (GSList* f = files; f; f = f->next)
    addPath(G_FILE(f->data), paths);
  g_slist_free(files);
  self(data)->openInputs(paths);
  return TRUE;
}

// With the detail filling the window, the arrows step through the images.
gboolean onKey(GtkEventControllerKey*, guint key, guint, GdkModifierType, gpointer data) {
  ViewerWindow* w = self(data);
  if (!w->fullDetail()) return FALSE;
  if (key == GDK_KEY_Left || key == GDK_KEY_Up)
    w->moveSelection(-1);
  else if (key == GDK_KEY_Right || key == GDK_KEY_Down)
    w->moveSelection(1);
  else if (key == GDK_KEY_Return || key == GDK_KEY_KP_Enter)
    w->setFullDetail(false);
  else
    return FALSE;
  return TRUE;
}

void onChooserResponse(GtkNativeDialog* dialog, int response, gpointer data) {
  std::vector<std::string> paths;
  if (response == GTK_RESPONSE_ACCEPT) {
    GListModel* files = gtk_file_chooser_get_files(GTK_FILE_CHOOSER(dialog));
    for (guint i = 0; i < g_list_model_get_n_items(files); ++i) {
      GFile* file = G_FILE(g_list_model_get_item(files, i));
      addPath(file, paths);
      g_object_unref(file);
    }
    g_object_unref(files);
  }
  g_object_unref(dialog);
  self(data)->openInputs(paths);
}

GtkFileChooserNative* newChooser(GtkWidget* window, const char* title, bool folders) {
  return gtk_file_chooser_native_new(
      title, GTK_WINDOW(window),
      folders ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN, "_Open",
      "_Cancel");
}

}  // namespace

void ViewerWindow::installActions(GtkApplication* app) {
  static const GActionEntry entries[] = {
      {"open", onAction, nullptr, nullptr, nullptr, {}},
      {"open-folder", onAction, nullptr, nullptr, nullptr, {}},
      {"copy-text", onAction, nullptr, nullptr, nullptr, {}},
      {"copy-json", onAction, nullptr, nullptr, nullptr, {}},
      {"cancel", onAction, nullptr, nullptr, nullptr, {}},
      {"back", onAction, nullptr, nullptr, nullptr, {}},
      {"quit", onAction, nullptr, nullptr, nullptr, {}},
  };
  g_action_map_add_action_entries(G_ACTION_MAP(window_), entries, G_N_ELEMENTS(entries), this);
  const struct {
    const char* action;
    const char* keys[2];
  } shortcuts[] = {{"win.open", {"<Control>o", nullptr}},
                   {"win.open-folder", {"<Control><Shift>o", nullptr}},
                   {"win.copy-text", {"<Control>c", nullptr}},
                   {"win.copy-json", {"<Control><Shift>c", nullptr}},
                   {"win.back", {"Escape", nullptr}},
                   {"win.quit", {"<Control>q", nullptr}}};
  for (const auto& s : shortcuts)
    gtk_application_set_accels_for_action(app, s.action, s.keys);

  g_signal_connect_swapped(window_, "close-request", G_CALLBACK(+[](ViewerWindow* w) {
                             w->finish();
                             return FALSE;
                           }),
                           this);

  GtkDropTarget* drop = gtk_drop_target_new(GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect(drop, "drop", G_CALLBACK(onDrop), this);
  gtk_widget_add_controller(window_, GTK_EVENT_CONTROLLER(drop));

  GtkEventController* keys = gtk_event_controller_key_new();
  gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_CAPTURE);
  g_signal_connect(keys, "key-pressed", G_CALLBACK(onKey), this);
  gtk_widget_add_controller(window_, keys);

  for (GtkWidget* drop : {modelDrop_, deviceDrop_, precisionDrop_}) {
    g_signal_connect_swapped(drop, "notify::selected",
                             G_CALLBACK(+[](ViewerWindow* w) { w->controlsChanged(); }), this);
  }
  g_signal_connect_swapped(weightsButton_, "clicked",
                           G_CALLBACK(+[](ViewerWindow* w) { w->chooseWeights(); }), this);
  g_signal_connect_swapped(window_, "realize", G_CALLBACK(+[](ViewerWindow* w) {
                             g_signal_connect_swapped(
                                 gtk_widget_get_frame_clock(w->window()), "after-paint",
                                 G_CALLBACK(+[](ViewerWindow* v) { v->afterPaint(); }), w);
                           }),
                           this);
}

void ViewerWindow::chooseFiles(bool folders) {
  GtkFileChooserNative* chooser =
      newChooser(window_, folders ? "Open folders" : "Open images", folders);
  gtk_file_chooser_set_select_multiple(GTK_FILE_CHOOSER(chooser), TRUE);
  if (!folders) {
    GtkFileFilter* filter = gtk_file_filter_new();
    gtk_file_filter_set_name(filter, "Images (PNG, JPEG, BMP)");
    for (const char* pattern : {"*.png", "*.jpg", "*.jpeg", "*.bmp", "*.PNG", "*.JPG", "*.JPEG"}) {
      gtk_file_filter_add_pattern(filter, pattern);
    }
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), filter);
    g_object_unref(filter);
  }
  g_signal_connect(chooser, "response", G_CALLBACK(onChooserResponse), this);
  gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

void ViewerWindow::chooseWeights() {
  GtkFileChooserNative* chooser = newChooser(window_, "Weights for the network", false);
  GtkFileFilter* filter = gtk_file_filter_new();
  gtk_file_filter_set_name(filter, "safetensors");
  gtk_file_filter_add_pattern(filter, "*.safetensors");
  gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), filter);
  g_object_unref(filter);
  g_signal_connect(chooser, "response",
                   G_CALLBACK(+[](GtkNativeDialog* dialog, int response, gpointer data) {
                     std::vector<std::string> paths;
                     if (response == GTK_RESPONSE_ACCEPT) {
                       GFile* file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
                       addPath(file, paths);
                       g_object_unref(file);
                     }
                     g_object_unref(dialog);
                     if (!paths.empty()) self(data)->useWeights(paths[0]);
                   }),
                   this);
  gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

void ViewerWindow::copyResults(bool json) {
  const std::string text = json ? resultsJson(results_).dump(2) + "\n" : resultsText(results_);
  gdk_clipboard_set_text(gtk_widget_get_clipboard(window_), text.c_str());
  ++copies_;
}

void ViewerWindow::setFullDetail(bool full) {
  fullDetail_ = full;
  gtk_widget_set_visible(grid_.widget(), !full);
  gtk_widget_grab_focus(full ? detail_.picture() : grid_.view());
}

void ViewerWindow::moveSelection(int step) {
  grid_.select(grid_.selected() + step);
}

}  // namespace vkc::view
