#pragma once
// The apps' exit status under validation (VKC_VALIDATION=1, or a Context made with validation):
// a run during which the Khronos validation layer reported anything fails.
namespace vkc::app {

// `status` when the process has seen no validation message, else 1, with "<app>: N Vulkan
// validation message(s)" on stderr. Called after the app's last vkc::Context is destroyed, so
// that what the layer reports at teardown (objects left alive) counts too.
int exitStatusAfterValidation(const char* app, int status);

}  // namespace vkc::app
