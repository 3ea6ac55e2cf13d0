#include "io/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "io/files.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

// 1 GiB: 20x the largest MNIST-style file (60000 x 28 x 28), and what a gzip bomb may make us
// hold before it is refused.
constexpr uint64_t kMaxBytes = uint64_t{1} << 30;

class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
    if (file_ == nullptr)
      throw Error(path + ": cannot open: " + std::strerror(errno), ErrorCode::BadInputFile);
  }
  ~GzReader() { gzclose(file_); }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  // Reads up to `size` bytes; fewer only at the end of the data.
  size_t read(uint8_t* out, size_t size) {
    size_t done = 0;
    while (done < size) {
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(size - done, 1u << 30));
      const int got = gzread(file_, out + done, chunk);
      if (got < 0) fail();
      if (got == 0) break;
      done += static_cast<size_t>(got);
    }
    // gzread reports a cut-off gzip stream as a quiet end of data plus this error state.
    int code = Z_OK;
    gzerror(file_, &code);
    if (code != Z_OK) fail();
    return done;
  }

 private:
  [[noreturn]] void fail() {
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    if (code == Z_ERRNO) message = std::strerror(errno);
    throw Error(path_ + ": read error: " + message, ErrorCode::BadInputFile);
  }

  std::string path_;
  gzFile file_;
};

uint32_t bigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

IdxArray readIdx(const std::string& path) {
  requireRegularFile(path);
  GzReader in(path);
  uint8_t magic[4];
  if (in.read(magic, 4) != 4)
    throw Error(path + ": too short for an IDX header", ErrorCode::BadInputFile);
  if (magic[0] != 0 || magic[1] != 0)
    throw Error(path + ": not an IDX file (bad magic)", ErrorCode::BadInputFile);
  if (magic[2] != 0x08) {
    char type[8];
    std::snprintf(type, sizeof type, "0x%02x", magic[2]);
    throw Error(
        path + ": IDX element type " + type + " is not supported (only 0x08, unsigned byte)",
        ErrorCode::BadInputFile);
  }
  const int rank = magic[3];
  if (rank == 0) throw Error(path + ": IDX file has no dimensions", ErrorCode::BadInputFile);

  IdxArray out;
  uint64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    uint8_t raw[4];
    if (in.read(raw, 4) != 4) throw Error(path + ": truncated IDX header", ErrorCode::BadInputFile);
    const uint32_t d = bigEndian32(raw);
    if (d == 0)
      throw Error(path + ": IDX dimension " + std::to_string(i) + " is zero",
                  ErrorCode::BadInputFile);
    total *= d;  // cannot overflow before the check: both factors are below 2^32
    if (total > kMaxBytes)
      throw Error(path + ": IDX data is unreasonably large", ErrorCode::BadInputFile);
    out.dims.push_back(d);
  }

  // Grow as data arrives, so a lying header cannot trigger a huge allocation up front.
  constexpr size_t kChunk = size_t{1} << 24;
  while (out.data.size() < total) {
    const size_t before = out.data.size();
    const size_t want = std::min<size_t>(total - before, kChunk);
    out.data.resize(before + want);
    const size_t got = in.read(out.data.data() + before, want);
    if (got != want) {
      throw Error(path + ": IDX data truncated: " + std::to_string(before + got) + " of " +
                      std::to_string(total) + " bytes",
                  ErrorCode::BadInputFile);
    }
  }
  uint8_t extra;
  if (in.read(&extra, 1) != 0)
    throw Error(path + ": trailing bytes after the IDX data", ErrorCode::BadInputFile);
  return out;
}

}  // namespace vkc::io
