// Compiles and links against the installed public API only (find_package(vkception)), and
// lists the devices: the library's code, not just its headers, is usable.
#include <vkception/vkception.hpp>

#include <cstdio>

int main() {
  try {
    const std::vector<vkc::DeviceDescription> devices = vkc::devices();
    std::printf("vkception C++ consumer: %zu Vulkan device(s), first %s\n", devices.size(),
                devices.empty() ? "-" : devices[0].name.c_str());
    return devices.empty() ? 1 : 0;
  } catch (const vkc::Error& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
