#include "io/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "io/files.hpp"
#include "io/half.hpp"
#include "vkception/error.hpp"

// Tensor bytes are little-endian on disk and copied as-is.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes little-endian");

namespace vkc::io {
namespace {

using Json = nlohmann::ordered_json;  // ordered: tensors() keeps the header order

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(path + ": " + what, ErrorCode::BadInputFile);
}

[[noreturn]] void failTensor(const std::string& path, const std::string& name,
                             const std::string& what) {
  fail(path, "tensor '" + name + "': " + what);
}

// Every dtype of the safetensors spec, so that files with integer buffers (e.g.
// num_batches_tracked) still open; only the float ones can be read as fp32.
size_t dtypeSize(const std::string& dtype) {
  static const std::map<std::string, size_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1},
      {"U16", 2},  {"I16", 2}, {"F16", 2}, {"BF16", 2},    {"U32", 4},
      {"I32", 4},  {"F32", 4}, {"U64", 8}, {"I64", 8},     {"F64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

bool mulOverflows(uint64_t a, uint64_t b, uint64_t* out) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return true;
  *out = a * b;
  return false;
}

std::string rangeText(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

float bf16ToFloat(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

uint64_t readU64(const Json& value, const std::string& path, const std::string& name,
                 const char* field) {
  if (!value.is_number_unsigned()) {
    // type_name, not dump(): a hostile header could nest values deeply enough to exhaust the stack.
    failTensor(path, name,
               std::string(field) + " must hold non-negative integers, got " +
                   (value.is_number_integer() ? "a negative number" : value.type_name()));
  }
  return value.get<uint64_t>();
}

TensorInfo parseTensor(const std::string& path, const std::string& name, const Json& entry,
                       uint64_t dataSize) {
  if (!entry.is_object()) failTensor(path, name, "header entry is not an object");
  TensorInfo info;
  info.name = name;

  auto dtype = entry.find("dtype");
  if (dtype == entry.end() || !dtype->is_string()) {
    failTensor(path, name, "missing or non-string 'dtype'");
  }
  info.dtype = dtype->get<std::string>();
  const size_t elementSize = dtypeSize(info.dtype);
  if (elementSize == 0) failTensor(path, name, "unknown dtype '" + info.dtype + "'");

  auto shape = entry.find("shape");
  if (shape == entry.end() || !shape->is_array()) {
    failTensor(path, name, "missing or non-list 'shape'");
  }
  uint64_t numel = 1;
  for (const Json& dim : *shape) {
    const uint64_t d = readU64(dim, path, name, "'shape'");
    if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      failTensor(path, name, "dimension " + std::to_string(d) + " does not fit in int64");
    }
    if (mulOverflows(numel, d, &numel)) failTensor(path, name, "shape has 2^64 or more elements");
    info.shape.push_back(static_cast<int64_t>(d));
  }

  auto offsets = entry.find("data_offsets");
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2) {
    failTensor(path, name, "missing 'data_offsets' or not a list of two integers");
  }
  info.begin = readU64((*offsets)[0], path, name, "'data_offsets'");
  info.end = readU64((*offsets)[1], path, name, "'data_offsets'");
  if (info.end < info.begin) {
    failTensor(path, name, "data_offsets " + rangeText(info.begin, info.end) + " end before begin");
  }
  if (info.end > dataSize) {
    failTensor(path, name,
               "data_offsets " + rangeText(info.begin, info.end) + " exceed the data region (" +
                   std::to_string(dataSize) + " bytes)");
  }
  uint64_t expected = 0;
  const bool tooBig = mulOverflows(numel, elementSize, &expected);
  if (tooBig || expected != info.end - info.begin) {
    failTensor(path, name,
               "data_offsets " + rangeText(info.begin, info.end) + " hold " +
                   std::to_string(info.end - info.begin) + " bytes, but " + info.dtype + " shape " +
                   shapeText(info.shape) + " needs " +
                   (tooBig ? std::string("2^64 or more") : std::to_string(expected)) + " bytes");
  }
  return info;
}

std::map<std::string, std::string> parseMetadata(const std::string& path, const Json& entry) {
  if (!entry.is_object()) fail(path, "'__metadata__' is not an object");
  std::map<std::string, std::string> out;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (!it->is_string()) fail(path, "'__metadata__' value of '" + it.key() + "' is not a string");
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

// Tensors may leave gaps but must not share bytes.
void checkNoOverlap(const std::string& path, const std::vector<TensorInfo>& tensors) {
  std::vector<const TensorInfo*> byBegin;
  for (const TensorInfo& t : tensors) {
    if (t.end > t.begin) byBegin.push_back(&t);
  }
  std::sort(byBegin.begin(), byBegin.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < byBegin.size(); ++i) {
    const TensorInfo& prev = *byBegin[i - 1];
    const TensorInfo& cur = *byBegin[i];
    if (cur.begin < prev.end) {
      failTensor(path, cur.name,
                 "data_offsets " + rangeText(cur.begin, cur.end) + " overlap tensor '" + prev.name +
                     "' " + rangeText(prev.begin, prev.end));
    }
  }
}

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  SafetensorsFile file;
  file.path_ = path;

  requireRegularFile(path);  // before open(): opening a FIFO would block
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(path, "not a regular file");
  }
  const uint64_t fileSize = static_cast<uint64_t>(st.st_size);
  if (fileSize < 8) {
    ::close(fd);
    fail(path, "file is " + std::to_string(fileSize) + " bytes, shorter than the 8-byte header");
  }
  void* mapping = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
  const int mapErrno = errno;
  ::close(fd);
  if (mapping == MAP_FAILED) fail(path, std::string("cannot mmap: ") + std::strerror(mapErrno));
  file.mapping_ = mapping;
  file.mappingSize_ = fileSize;
  file.parse(static_cast<const uint8_t*>(mapping), fileSize);
  return file;
}

SafetensorsFile SafetensorsFile::fromMemory(const std::string& name, const void* data,
                                            size_t size) {
  SafetensorsFile file;
  file.path_ = name;
  const auto* bytes = static_cast<const uint8_t*>(data);
  file.owned_.assign(bytes, bytes + size);
  if (size < 8) {
    fail(name, "buffer is " + std::to_string(size) + " bytes, shorter than the 8-byte header");
  }
  file.parse(file.owned_.data(), size);
  return file;
}

void SafetensorsFile::parse(const uint8_t* bytes, uint64_t fileSize) {
  const std::string& path = path_;
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | bytes[i];
  if (headerSize > fileSize - 8) {
    fail(path, "not a safetensors file (header length " + std::to_string(headerSize) +
                   " exceeds the file size of " + std::to_string(fileSize) + " bytes)");
  }
  const auto* headerBegin = reinterpret_cast<const char*>(bytes + 8);
  const uint64_t dataSize = fileSize - 8 - headerSize;
  data_ = bytes + 8 + headerSize;

  // The callback sees every key, where the JSON object would silently keep one of two equal
  // ones. It also drops values nested deeper than any valid header needs, because the library
  // copies such trees recursively and a hostile header could overflow the stack.
  constexpr int kMaxDepth = 8;
  std::set<std::string> seen;
  std::optional<std::string> duplicate;
  bool tooDeep = false;
  auto onEvent = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth == 1 && event == Json::parse_event_t::key && !duplicate) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!seen.insert(key).second) duplicate = key;
    }
    if (depth > kMaxDepth &&
        (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start)) {
      tooDeep = true;
      return false;
    }
    return true;
  };
  Json header;
  try {
    header = Json::parse(headerBegin, headerBegin + headerSize, onEvent);
  } catch (const Json::exception& e) {
    fail(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (tooDeep) fail(path, "header nests deeper than " + std::to_string(kMaxDepth) + " levels");
  if (!header.is_object()) fail(path, "header is not a JSON object");
  if (duplicate) fail(path, "duplicate tensor name '" + *duplicate + "' in header");

  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      metadata_ = parseMetadata(path, *it);
      continue;
    }
    index_.emplace(it.key(), tensors_.size());
    tensors_.push_back(parseTensor(path, it.key(), *it, dataSize));
  }
  checkNoOverlap(path, tensors_);
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept {
  *this = std::move(other);
}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    unmap();
    path_ = std::move(other.path_);
    tensors_ = std::move(other.tensors_);
    index_ = std::move(other.index_);
    metadata_ = std::move(other.metadata_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mappingSize_ = std::exchange(other.mappingSize_, 0);
    data_ = std::exchange(other.data_, nullptr);
    owned_ = std::move(other.owned_);
  }
  return *this;
}

SafetensorsFile::~SafetensorsFile() {
  unmap();
}

void SafetensorsFile::unmap() noexcept {
  if (mapping_ != nullptr) ::munmap(mapping_, mappingSize_);
  mapping_ = nullptr;
  mappingSize_ = 0;
  data_ = nullptr;
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

std::vector<float> SafetensorsFile::readFloat32(const std::string& name) const {
  const TensorInfo* info = find(name);
  if (info == nullptr) fail(path_, "no tensor named '" + name + "'");
  const uint8_t* src = data_ + info->begin;
  const size_t size = info->end - info->begin;
  std::vector<float> out;
  if (info->dtype == "F32") {
    out.resize(size / 4);
    if (size > 0) std::memcpy(out.data(), src, size);  // an empty vector's data() may be null
  } else if (info->dtype == "F16" || info->dtype == "BF16") {
    const bool isHalf = info->dtype == "F16";
    out.resize(size / 2);
    for (size_t i = 0; i < out.size(); ++i) {
      uint16_t v;
      std::memcpy(&v, src + 2 * i, 2);
      out[i] = isHalf ? halfToFloat(v) : bf16ToFloat(v);
    }
  } else {
    failTensor(path_, name, "dtype " + info->dtype + " cannot be read as float32");
  }
  return out;
}

void writeSafetensorsF32(const std::string& path, const std::vector<NamedTensor>& tensors,
                         const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const NamedTensor& t : tensors) {
    if (t.name == "__metadata__") fail(path, "'__metadata__' is reserved, not a tensor name");
    if (header.contains(t.name)) fail(path, "duplicate tensor name '" + t.name + "'");
    uint64_t numel = 1;
    bool tooBig = false;
    for (int64_t d : t.shape) {
      if (d < 0) failTensor(path, t.name, "negative dimension in shape");
      tooBig = tooBig || mulOverflows(numel, static_cast<uint64_t>(d), &numel);
    }
    if (tooBig || numel != t.data.size()) {
      failTensor(path, t.name,
                 "shape holds " + std::to_string(numel) + " elements, data has " +
                     std::to_string(t.data.size()));
    }
    const uint64_t end = offset + numel * sizeof(float);
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }

  std::string text;
  try {
    text = header.dump();
  } catch (const Json::exception& e) {
    fail(path, std::string("cannot encode header: ") + e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data region 8-byte aligned
  uint8_t length[8];
  for (int i = 0; i < 8; ++i)
    length[i] = static_cast<uint8_t>(text.size() >> (8 * i));

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!out) fail(path, std::string("cannot open for writing: ") + std::strerror(errno));
  bool ok = std::fwrite(length, 1, 8, out.get()) == 8 &&
            std::fwrite(text.data(), 1, text.size(), out.get()) == text.size();
  for (const NamedTensor& t : tensors) {
    ok = ok && std::fwrite(t.data.data(), sizeof(float), t.data.size(), out.get()) == t.data.size();
  }
  if (std::fclose(out.release()) != 0 || !ok) fail(path, "write failed");
}

}  // namespace vkc::io
