#pragma once
// Class-name files: one label per line, line i is class i.
#include <string>
#include <vector>

namespace vkc::io {

// Strips '\r' (CRLF files) and trailing empty lines; an empty result is an error.
std::vector<std::string> readLabels(const std::string& path);

}  // namespace vkc::io
