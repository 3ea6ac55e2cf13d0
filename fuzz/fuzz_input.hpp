#pragma once
// Shared by the harnesses: the readers that take a path get the fuzzer's bytes through a file
// of this process's own in /dev/shm (memory-backed), rewritten for each input.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace vkc::fuzz {

inline const std::string& inputPath(const char* suffix) {
  static const std::string path = std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
                                  "/vkc-fuzz-" + std::to_string(getpid()) + suffix;
  return path;
}

inline const std::string& writeInput(const uint8_t* data, size_t size, const char* suffix) {
  const std::string& path = inputPath(suffix);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) __builtin_trap();  // the harness itself is broken, not the reader
  if (size > 0 && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  return path;
}

}  // namespace vkc::fuzz
