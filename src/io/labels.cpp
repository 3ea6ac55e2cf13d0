#include "io/labels.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "io/files.hpp"
#include "vkception/error.hpp"

namespace vkc::io {

std::vector<std::string> readLabels(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno), ErrorCode::BadInputFile);
  std::vector<std::string> labels;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels.push_back(line);
  }
  if (in.bad()) throw Error(path + ": read error", ErrorCode::BadInputFile);
  // Empty lines inside the file are kept: they still occupy a class index.
  while (!labels.empty() && labels.back().empty())
    labels.pop_back();
  if (labels.empty()) throw Error(path + ": no labels", ErrorCode::BadInputFile);
  return labels;
}

}  // namespace vkc::io
