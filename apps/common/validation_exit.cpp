#include "common/validation_exit.hpp"

#include <cstdio>

#include "vkception/vkception.hpp"

namespace vkc::app {

int exitStatusAfterValidation(const char* app, int status) {
  const int messages = vkc::Context::processValidationMessageCount();
  if (messages == 0) return status;
  std::fprintf(stderr, "%s: %d Vulkan validation message(s)\n", app, messages);
  return 1;
}

}  // namespace vkc::app
