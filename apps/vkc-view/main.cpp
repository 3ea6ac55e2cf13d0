// vkc-view: a desktop window that classifies images with vkception (public API only).
#include <gtk/gtk.h>

#include <cstdio>
#include <memory>

#include "vkc-view/view_options.hpp"
#include "vkc-view/viewer_window.hpp"

namespace {

struct App {
  vkc::view::ViewOptions options;
  std::unique_ptr<vkc::view::ViewerWindow> window;
};

}  // namespace

int main(int argc, char** argv) {
  App app;  // options.started: the self-test's time zero
  if (int rc = vkc::view::parseViewArgs(argc, argv, app.options); rc >= 0) return rc;
  if (!gtk_init_check()) {
    std::fprintf(stderr,
                 "vkc-view: cannot open a display (no X11 or Wayland session; for a "
                 "headless run use xvfb-run)\n");
    return 1;
  }
  // Not unique: each run is its own process with its own files (a second one does not hand
  // its arguments to the first).
  GtkApplication* gtkApp = gtk_application_new("io.vkception.View", G_APPLICATION_NON_UNIQUE);
  gtk_window_set_default_icon_name("io.vkception.View");  // the installed SVG
  g_signal_connect(gtkApp, "activate", G_CALLBACK(+[](GtkApplication* a, gpointer data) {
                     auto* app = static_cast<App*>(data);
                     if (!app->window) {
                       app->window = std::make_unique<vkc::view::ViewerWindow>(a, app->options);
                     }
                   }),
                   &app);
  // Our options are parsed above; GApplication gets only the program name.
  const int status = g_application_run(G_APPLICATION(gtkApp), 1, argv);
  const int rc = app.window ? app.window->exitCode() : status;
  app.window.reset();
  g_object_unref(gtkApp);
  return rc;
}
