#include "io/files.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "vkception/error.hpp"

namespace vkc::io {

void requireRegularFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(path + ": cannot open: " + std::strerror(errno), ErrorCode::BadInputFile);
  }
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file", ErrorCode::BadInputFile);
}

}  // namespace vkc::io
