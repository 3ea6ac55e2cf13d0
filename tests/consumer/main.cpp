// Compiles and links against the installed public API only.
#include <vkception/vkception.hpp>

#include <cstdio>

int main() {
  vkc::ContextOptions options;
  std::printf("vkception consumer built; default device index %d\n", options.device);
  return 0;
}
