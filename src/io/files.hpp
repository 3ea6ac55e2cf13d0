#pragma once
// Every reader checks its path first: opening a FIFO or a device for reading can block forever
// or never end, so only regular files (or symlinks to them) are read.
#include <string>

namespace vkc::io {

// Throws vkc::Error (BadInputFile) naming `path`: "cannot open: <reason>" or "not a regular file".
void requireRegularFile(const std::string& path);

}  // namespace vkc::io
