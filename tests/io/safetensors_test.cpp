#include "io/safetensors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "io/io_test_util.hpp"
#include "vkception/error.hpp"

namespace vkc::io {
namespace {

using testutil::expectError;
using testutil::readBytes;
using testutil::TempDir;
using testutil::writeBytes;

// A raw safetensors file: length prefix, header text as given, then `data`.
std::vector<uint8_t> rawFile(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<uint8_t>(uint64_t{header.size()} >> (8 * i));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

std::vector<uint8_t> u16Bytes(const std::vector<uint16_t>& values) {
  std::vector<uint8_t> out;
  for (uint16_t v : values) {
    out.push_back(static_cast<uint8_t>(v));
    out.push_back(static_cast<uint8_t>(v >> 8));
  }
  return out;
}

TEST(SafetensorsTest, RoundTripKeepsOrderShapesValuesAndMetadata) {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  const std::vector<NamedTensor> tensors = {
      {"z.weight", {2, 3}, {1.5f, -2.0f, 0.0f, 1e-30f, -0.0f, 3.25f}},
      {"a.bias", {3}, {7.0f, 8.0f, 9.0f}},
      {"scalar", {}, {42.0f}},
      {"empty", {0, 4}, {}},
  };
  writeSafetensorsF32(path, tensors, {{"format", "pt"}, {"note", "x"}});

  const SafetensorsFile file = SafetensorsFile::open(path);
  EXPECT_EQ(file.path(), path);
  ASSERT_EQ(file.tensors().size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorInfo& info = file.tensors()[i];
    EXPECT_EQ(info.name, tensors[i].name);  // header order, not alphabetical
    EXPECT_EQ(info.dtype, "F32");
    EXPECT_EQ(info.shape, tensors[i].shape);
    EXPECT_EQ(info.end - info.begin, tensors[i].data.size() * 4);
    const std::vector<float> values = file.readFloat32(info.name);
    ASSERT_EQ(values.size(), tensors[i].data.size());
    for (size_t k = 0; k < values.size(); ++k) {
      EXPECT_EQ(bitsOf(values[k]), bitsOf(tensors[i].data[k])) << info.name << "[" << k << "]";
    }
  }
  const std::map<std::string, std::string> expected = {{"format", "pt"}, {"note", "x"}};
  EXPECT_EQ(file.metadata(), expected);
  ASSERT_NE(file.find("a.bias"), nullptr);
  EXPECT_EQ(file.find("a.bias")->shape, std::vector<int64_t>{3});
  EXPECT_EQ(file.find("missing"), nullptr);
}

TEST(SafetensorsTest, WriterAlignsTheDataRegion) {
  TempDir dir;
  const std::string path = dir.file("a.safetensors");
  writeSafetensorsF32(path, {{"t", {1}, {1.0f}}});
  const std::vector<uint8_t> bytes = readBytes(path);
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | bytes[i];
  EXPECT_EQ((8 + headerSize) % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + headerSize + 4);
}

TEST(SafetensorsTest, WriterRejectsBadInput) {
  TempDir dir;
  const std::string path = dir.file("w.safetensors");
  expectError([&] { writeSafetensorsF32(path, {{"t", {2, 2}, {1, 2, 3}}}); }, {path, "'t'"});
  expectError(
      [&] {
        writeSafetensorsF32(path, {{"t", {1}, {1}}, {"t", {1}, {2}}});
      },
      {path, "duplicate", "'t'"});
  expectError([&] { writeSafetensorsF32(path, {{"__metadata__", {1}, {1}}}); }, {path});
  expectError([&] { writeSafetensorsF32(path, {{"t", {-1}, {}}}); }, {path, "negative"});
  const std::string noDir = dir.file("no/such/dir.safetensors");
  expectError([&] { writeSafetensorsF32(noDir, {{"t", {1}, {1}}}); }, {noDir});
}

TEST(SafetensorsTest, MissingFileAndMissingTensor) {
  TempDir dir;
  const std::string path = dir.file("absent.safetensors");
  expectError([&] { SafetensorsFile::open(path); }, {path, "cannot open"});
  expectError([&] { SafetensorsFile::open(dir.file("")); }, {"not a regular file"});

  const std::string good = dir.file("good.safetensors");
  writeSafetensorsF32(good, {{"t", {1}, {1.0f}}});
  const SafetensorsFile file = SafetensorsFile::open(good);
  expectError([&] { file.readFloat32("nope"); }, {good, "'nope'"});
}

TEST(SafetensorsTest, EveryTruncatedPrefixIsAnError) {
  TempDir dir;
  const std::string source = dir.file("full.safetensors");
  writeSafetensorsF32(source, {{"w", {2, 2}, {1, 2, 3, 4}}, {"b", {2}, {5, 6}}},
                      {{"format", "pt"}});
  const std::vector<uint8_t> bytes = readBytes(source);
  const std::string cut = dir.file("cut.safetensors");
  for (size_t n = 0; n < bytes.size(); ++n) {
    writeBytes(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + n));
    SCOPED_TRACE("prefix of " + std::to_string(n) + " bytes");
    expectError([&] { SafetensorsFile::open(cut); }, {cut});
  }
  EXPECT_NO_THROW(SafetensorsFile::open(source));
}

TEST(SafetensorsTest, ExactMessageForOffsetsBeyondData) {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  writeBytes(path, rawFile(R"({"conv.weight":{"dtype":"F32","shape":[25],"data_offsets":[0,100]}})",
                           std::vector<uint8_t>(64)));
  try {
    SafetensorsFile::open(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path +
                  ": tensor 'conv.weight': data_offsets [0, 100) exceed the data region (64 "
                  "bytes)");
  }
}

struct BadHeader {
  const char* label;
  std::string header;
  size_t dataBytes;
  std::vector<std::string> expected;  // message fragments besides the path
};

TEST(SafetensorsTest, InvalidHeadersAreRejectedWithContext) {
  const std::string f32x2 = R"("dtype":"F32","shape":[2],"data_offsets":[0,8])";
  const std::vector<BadHeader> cases = {
      {"bad json", "{not json", 0, {"not valid JSON"}},
      {"empty header", "", 0, {"not valid JSON"}},
      {"array header", "[1,2]", 0, {"not a JSON object"}},
      {"string header", R"("x")", 0, {"not a JSON object"}},
      {"entry not object", R"({"t":3})", 0, {"'t'", "not an object"}},
      {"missing dtype", R"({"t":{"shape":[2],"data_offsets":[0,8]}})", 8, {"'t'", "dtype"}},
      {"dtype not string",
       R"({"t":{"dtype":4,"shape":[2],"data_offsets":[0,8]}})",
       8,
       {"'t'", "dtype"}},
      {"unknown dtype",
       R"({"t":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}})",
       8,
       {"'t'", "unknown dtype 'F17'"}},
      {"missing shape", R"({"t":{"dtype":"F32","data_offsets":[0,8]}})", 8, {"'t'", "shape"}},
      {"shape not list",
       R"({"t":{"dtype":"F32","shape":2,"data_offsets":[0,8]}})",
       8,
       {"'t'", "shape"}},
      {"float dim",
       R"({"t":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})",
       8,
       {"'t'", "shape"}},
      {"string dim",
       R"({"t":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}})",
       8,
       {"'t'", "shape"}},
      {"negative dim",
       R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})",
       8,
       {"'t'", "negative"}},
      {"missing offsets", R"({"t":{"dtype":"F32","shape":[2]}})", 8, {"'t'", "data_offsets"}},
      {"three offsets",
       R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}})",
       8,
       {"'t'", "data_offsets"}},
      {"negative offset",
       R"({"t":{"dtype":"F32","shape":[0],"data_offsets":[-4,0]}})",
       8,
       {"'t'", "data_offsets"}},
      {"end before begin",
       R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})",
       8,
       {"'t'", "[8, 0)", "end before begin"}},
      {"beyond data",
       R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
       8,
       {"'t'", "[4, 12)", "exceed the data region (8 bytes)"}},
      {"size mismatch",
       R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
       8,
       {"'t'", "needs 12 bytes"}},
      {"dtype size mismatch",
       R"({"t":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}})",
       8,
       {"'t'", "needs 4 bytes"}},
      {"numel overflow",
       R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
       8,
       {"'t'", "2^64"}},
      {"bytes overflow",
       R"({"t":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}})",
       8,
       {"'t'", "2^64 or more"}},
      {"dim above int64",
       R"({"t":{"dtype":"U8","shape":[9223372036854775808,0],)"
       R"("data_offsets":[0,0]}})",
       0,
       {"'t'", "does not fit in int64"}},
      {"huge offset",
       R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}})",
       8,
       {"'t'", "exceed"}},
      {"offset beyond uint64",
       R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551616]}})",
       8,
       {"'t'", "data_offsets"}},
      {"overlap",
       "{\"a\":{" + f32x2 + R"(},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
       12,
       {"overlap", "'a'", "'b'"}},
      {"same range", "{\"a\":{" + f32x2 + "},\"b\":{" + f32x2 + "}}", 8, {"overlap"}},
      {"duplicate name",
       "{\"a\":{" + f32x2 + "},\"a\":{" + f32x2 + "}}",
       8,
       {"duplicate tensor name 'a'"}},
      {"metadata not object", R"({"__metadata__":[1]})", 0, {"__metadata__"}},
      {"metadata value not string",
       R"({"__metadata__":{"epoch":3}})",
       0,
       {"__metadata__", "'epoch'"}},
  };
  TempDir dir;
  for (const BadHeader& c : cases) {
    SCOPED_TRACE(c.label);
    const std::string path = dir.file("bad.safetensors");
    writeBytes(path, rawFile(c.header, std::vector<uint8_t>(c.dataBytes)));
    std::vector<std::string> parts = c.expected;
    parts.insert(parts.begin(), path + ": ");
    expectError([&] { SafetensorsFile::open(path); }, parts);
  }
}

TEST(SafetensorsTest, BadLengthPrefix) {
  TempDir dir;
  const std::string path = dir.file("len.safetensors");
  writeBytes(path, {1, 2, 3});
  expectError([&] { SafetensorsFile::open(path); }, {path, "3 bytes"});

  std::vector<uint8_t> bytes = rawFile("{}", {});
  bytes[0] = 3;  // claims 3 header bytes, the file holds 2
  writeBytes(path, bytes);
  expectError([&] { SafetensorsFile::open(path); }, {path, "header length 3"});

  std::fill(bytes.begin(), bytes.begin() + 8, 0xff);  // 2^64 - 1: must not wrap around
  writeBytes(path, bytes);
  expectError([&] { SafetensorsFile::open(path); }, {path, "header length"});
}

TEST(SafetensorsTest, EmptyHeaderObjectAndGapsAreAccepted) {
  TempDir dir;
  const std::string path = dir.file("gap.safetensors");
  writeBytes(path, rawFile("{}", {}));
  EXPECT_TRUE(SafetensorsFile::open(path).tensors().empty());

  // Padding after the JSON and unused bytes between tensors are legal.
  writeBytes(path, rawFile(R"({"b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]},)"
                           R"("a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}    )",
                           std::vector<uint8_t>(10)));
  const SafetensorsFile file = SafetensorsFile::open(path);
  ASSERT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensors()[0].name, "b");
  EXPECT_EQ(file.tensors()[0].begin, 6u);
}

TEST(SafetensorsTest, HalfAndBfloat16ConvertExactly) {
  // Known encodings, including subnormals, signed zero and infinities.
  const std::vector<uint16_t> half = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF,
                                      0x0400, 0x8000, 0x7C00, 0xFC00, 0x3555};
  const std::vector<float> halfExpected = {1.0f,
                                           -2.0f,
                                           65504.0f,
                                           std::ldexp(1.0f, -24),
                                           1023 * std::ldexp(1.0f, -24),
                                           std::ldexp(1.0f, -14),
                                           -0.0f,
                                           INFINITY,
                                           -INFINITY,
                                           0.333251953125f};
  const std::vector<uint16_t> bf16 = {0x3F80, 0xC040, 0x4049, 0x7F80, 0x0001, 0x8000};
  const std::vector<uint32_t> bf16ExpectedBits = {0x3F800000, 0xC0400000, 0x40490000,
                                                  0x7F800000, 0x00010000, 0x80000000};

  std::vector<uint8_t> data(1);  // one pad byte: both tensors start at odd addresses
  const std::vector<uint8_t> h = u16Bytes(half), b = u16Bytes(bf16);
  data.insert(data.end(), h.begin(), h.end());
  data.insert(data.end(), b.begin(), b.end());
  data.insert(data.end(), {0x00, 0x7E});  // a NaN
  const std::string header = R"({"h":{"dtype":"F16","shape":[2,5],"data_offsets":[1,21]},)"
                             R"("b":{"dtype":"BF16","shape":[6],"data_offsets":[21,33]},)"
                             R"("nan":{"dtype":"F16","shape":[1],"data_offsets":[33,35]}})";
  TempDir dir;
  const std::string path = dir.file("half.safetensors");
  writeBytes(path, rawFile(header, data));
  const SafetensorsFile file = SafetensorsFile::open(path);

  const std::vector<float> h32 = file.readFloat32("h");
  ASSERT_EQ(h32.size(), halfExpected.size());
  for (size_t i = 0; i < h32.size(); ++i) {
    EXPECT_EQ(bitsOf(h32[i]), bitsOf(halfExpected[i])) << "F16 " << std::hex << half[i];
  }
  const std::vector<float> b32 = file.readFloat32("b");
  ASSERT_EQ(b32.size(), bf16ExpectedBits.size());
  for (size_t i = 0; i < b32.size(); ++i)
    EXPECT_EQ(bitsOf(b32[i]), bf16ExpectedBits[i]);
  EXPECT_TRUE(std::isnan(file.readFloat32("nan")[0]));
}

TEST(SafetensorsTest, IntegerTensorsOpenButDoNotReadAsFloat) {
  TempDir dir;
  const std::string path = dir.file("bn.safetensors");
  writeBytes(path,
             rawFile(R"({"bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},)"
                     R"("bn.running_var":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3f}));
  const SafetensorsFile file = SafetensorsFile::open(path);
  ASSERT_NE(file.find("bn.num_batches_tracked"), nullptr);
  EXPECT_EQ(file.find("bn.num_batches_tracked")->dtype, "I64");
  EXPECT_TRUE(file.find("bn.num_batches_tracked")->shape.empty());
  expectError([&] { file.readFloat32("bn.num_batches_tracked"); },
              {path, "'bn.num_batches_tracked'", "I64"});
  EXPECT_EQ(file.readFloat32("bn.running_var"), std::vector<float>{1.0f});
}

TEST(SafetensorsTest, MoveTransfersTheMapping) {
  TempDir dir;
  const std::string a = dir.file("a.safetensors"), b = dir.file("b.safetensors");
  writeSafetensorsF32(a, {{"x", {1}, {1.0f}}});
  writeSafetensorsF32(b, {{"y", {2}, {2.0f, 3.0f}}});
  SafetensorsFile first = SafetensorsFile::open(a);
  SafetensorsFile moved(std::move(first));
  EXPECT_EQ(moved.readFloat32("x"), std::vector<float>{1.0f});
  moved = SafetensorsFile::open(b);
  EXPECT_EQ(moved.path(), b);
  EXPECT_EQ(moved.readFloat32("y"), (std::vector<float>{2.0f, 3.0f}));
}

TEST(SafetensorsTest, DeeplyNestedHeaderIsAnErrorNotACrash) {
  TempDir dir;
  const std::string path = dir.file("deep.safetensors");
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  writeBytes(
      path, rawFile(R"({"t":{"dtype":"F32","shape":[)" + deep + R"(],"data_offsets":[0,0]}})", {}));
  expectError([&] { SafetensorsFile::open(path); }, {path, "deeper"});
  writeBytes(path, rawFile(std::string(200000, '['), {}));
  expectError([&] { SafetensorsFile::open(path); }, {path, "JSON"});
}

// Random corruption of a valid file: opening and reading must either work or throw vkc::Error.
TEST(SafetensorsTest, RandomCorruptionNeverCrashes) {
  TempDir dir;
  const std::string source = dir.file("src.safetensors");
  writeSafetensorsF32(source, {{"w", {2, 3}, {1, 2, 3, 4, 5, 6}}, {"b", {3}, {7, 8, 9}}},
                      {{"k", "v"}});
  const std::vector<uint8_t> original = readBytes(source);
  const std::string path = dir.file("fuzz.safetensors");
  std::mt19937 rng(1234);
  const char* interesting = "{}[]\":,-0123456789eE. FBIU";
  int opened = 0;
  for (int iter = 0; iter < 800; ++iter) {
    std::vector<uint8_t> bytes = original;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % bytes.size();
      switch (rng() % 4) {
        case 0:
          bytes[pos] = static_cast<uint8_t>(rng());
          break;
        case 1:
          bytes[pos] = static_cast<uint8_t>(interesting[rng() % std::strlen(interesting)]);
          break;
        case 2:
          bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(pos));
          break;
        default:
          bytes.resize(pos);
          break;
      }
      if (bytes.empty()) break;
    }
    writeBytes(path, bytes);
    try {
      const SafetensorsFile file = SafetensorsFile::open(path);
      ++opened;
      for (const TensorInfo& t : file.tensors()) {
        try {
          const std::vector<float> v = file.readFloat32(t.name);
          EXPECT_LE(v.size() * 4, t.end - t.begin);
        } catch (const Error&) {
        }
      }
    } catch (const Error&) {
    }
  }
  EXPECT_GT(opened, 0);  // some edits (e.g. inside tensor data) leave a valid file
}

}  // namespace
}  // namespace vkc::io
