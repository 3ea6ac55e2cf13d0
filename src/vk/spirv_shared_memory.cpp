#include "vk/spirv_shared_memory.hpp"

#include <map>
#include <optional>
#include <string>

#include "vkception/error.hpp"

namespace vkc::vk {
namespace {

// The SPIR-V opcodes, decoration and storage class read here (SPIR-V 1.3 specification).
enum Op : uint32_t {
  OpTypeBool = 20,
  OpTypeInt = 21,
  OpTypeFloat = 22,
  OpTypeVector = 23,
  OpTypeMatrix = 24,
  OpTypeArray = 28,
  OpTypeStruct = 30,
  OpTypePointer = 32,
  OpConstantTrue = 41,
  OpConstantFalse = 42,
  OpConstant = 43,
  OpConstantComposite = 44,
  OpSpecConstantTrue = 48,
  OpSpecConstantFalse = 49,
  OpSpecConstant = 50,
  OpSpecConstantComposite = 51,
  OpSpecConstantOp = 52,
  OpVariable = 59,
  OpDecorate = 71,
  OpCompositeExtract = 81,
  OpIAdd = 128,
  OpISub = 130,
  OpIMul = 132,
  OpUDiv = 134,
  OpSDiv = 135,
};
constexpr uint32_t kMagic = 0x07230203;
constexpr uint32_t kDecorationSpecId = 1;
constexpr uint32_t kStorageClassWorkgroup = 4;

struct Type {
  uint32_t op = 0;
  uint32_t bytes = 0;           // scalars
  uint32_t element = 0;         // vectors, matrices, arrays, pointers: the element's type
  uint32_t count = 0;           // vectors, matrices: components; arrays: the length's id
  std::vector<uint32_t> parts;  // structs: member types
};

// A constant's value: a scalar (nullopt where it is computed by an operation not read here) or
// a composite's constituents.
struct Constant {
  std::optional<uint64_t> value;
  std::vector<uint32_t> parts;
};

class Module {
 public:
  Module(const uint32_t* words, size_t count, const std::vector<uint32_t>& specValues)
      : specValues_(specValues) {
    if (count < 5 || words[0] != kMagic) throw Error("not a SPIR-V module (bad header)");
    for (size_t at = 5; at < count;) {
      const uint32_t length = words[at] >> 16;
      if (length == 0 || at + length > count) {
        throw Error("malformed SPIR-V: an instruction runs past the module's end");
      }
      read(words + at, length);
      at += length;
    }
  }
  uint64_t sharedBytes() const { return shared_; }

 private:
  const std::vector<uint32_t>& specValues_;
  std::map<uint32_t, uint32_t> specIds_;  // result id -> constant_id
  std::map<uint32_t, Type> types_;
  std::map<uint32_t, Constant> constants_;
  uint64_t shared_ = 0;

  static uint64_t literal(const uint32_t* w, uint32_t length, uint32_t at) {
    uint64_t value = w[at];
    if (length > at + 1) value |= uint64_t(w[at + 1]) << 32;
    return value;
  }

  // The shader's default, or the value given for its constant_id.
  std::optional<uint64_t> specialized(uint32_t id, uint64_t defaultValue) const {
    auto it = specIds_.find(id);
    if (it != specIds_.end() && it->second < specValues_.size()) return specValues_[it->second];
    return defaultValue;
  }

  std::optional<uint64_t> valueOf(uint32_t id) const {
    auto it = constants_.find(id);
    return it == constants_.end() ? std::nullopt : it->second.value;
  }

  std::optional<uint64_t> evaluate(const uint32_t* w, uint32_t length) const {
    if (length < 5) return std::nullopt;
    const uint32_t op = w[3];
    if (op == OpCompositeExtract) {
      uint32_t id = w[4];
      for (uint32_t i = 5; i < length; ++i) {
        auto it = constants_.find(id);
        if (it == constants_.end() || w[i] >= it->second.parts.size()) return std::nullopt;
        id = it->second.parts[w[i]];
      }
      return valueOf(id);
    }
    if (length < 6) return std::nullopt;
    const std::optional<uint64_t> a = valueOf(w[4]), b = valueOf(w[5]);
    if (!a || !b) return std::nullopt;
    const uint32_t x = uint32_t(*a), y = uint32_t(*b);
    switch (op) {
      case OpIAdd:
        return uint32_t(x + y);
      case OpISub:
        return uint32_t(x - y);
      case OpIMul:
        return uint32_t(x * y);
      case OpUDiv:
        return y ? std::optional<uint64_t>(x / y) : std::nullopt;
      case OpSDiv:
        if (y == 0 || (x == 0x80000000u && y == 0xFFFFFFFFu)) return std::nullopt;
        return uint32_t(int32_t(x) / int32_t(y));
      default:
        return std::nullopt;
    }
  }

  uint64_t bytesOf(uint32_t id) const {
    auto it = types_.find(id);
    if (it == types_.end()) throw Error("SPIR-V: a shared variable of a type that is not sized");
    const Type& t = it->second;
    switch (t.op) {
      case OpTypeBool:
      case OpTypeInt:
      case OpTypeFloat:
        return t.bytes;
      case OpTypeVector:
      case OpTypeMatrix:
        return t.count * bytesOf(t.element);
      case OpTypeArray: {
        const std::optional<uint64_t> length = valueOf(t.count);
        if (!length) throw Error("SPIR-V: a shared array whose length cannot be worked out");
        return *length * bytesOf(t.element);
      }
      case OpTypeStruct: {
        uint64_t sum = 0;
        for (uint32_t member : t.parts)
          sum += bytesOf(member);
        return sum;
      }
      default:
        throw Error("SPIR-V: a shared variable of a type that is not sized");
    }
  }

  void read(const uint32_t* w, uint32_t length) {
    const uint32_t op = w[0] & 0xFFFF;
    auto need = [&](uint32_t words) {
      if (length < words) throw Error("malformed SPIR-V: instruction " + std::to_string(op));
    };
    switch (op) {
      case OpDecorate:
        need(3);
        if (w[2] == kDecorationSpecId) {
          need(4);
          specIds_[w[1]] = w[3];
        }
        break;
      case OpTypeBool:
        need(2);
        types_[w[1]] = {op, 4, 0, 0, {}};
        break;
      case OpTypeInt:
      case OpTypeFloat:
        need(3);
        types_[w[1]] = {op, w[2] / 8, 0, 0, {}};
        break;
      case OpTypeVector:
      case OpTypeMatrix:
      case OpTypeArray:
        need(4);
        types_[w[1]] = {op, 0, w[2], w[3], {}};
        break;
      case OpTypeStruct:
        need(2);
        types_[w[1]] = {op, 0, 0, 0, std::vector<uint32_t>(w + 2, w + length)};
        break;
      case OpTypePointer:
        need(4);
        types_[w[1]] = {op, 0, w[3], w[2], {}};
        break;
      case OpConstantTrue:
      case OpConstantFalse:
        need(3);
        constants_[w[2]].value = op == OpConstantTrue ? 1 : 0;
        break;
      case OpSpecConstantTrue:
      case OpSpecConstantFalse:
        need(3);
        constants_[w[2]].value = specialized(w[2], op == OpSpecConstantTrue ? 1 : 0);
        break;
      case OpConstant:
        need(4);
        constants_[w[2]].value = literal(w, length, 3);
        break;
      case OpSpecConstant:
        need(4);
        constants_[w[2]].value = specialized(w[2], literal(w, length, 3));
        break;
      case OpConstantComposite:
      case OpSpecConstantComposite:
        need(3);
        constants_[w[2]].parts.assign(w + 3, w + length);
        break;
      case OpSpecConstantOp:
        need(4);
        constants_[w[2]].value = evaluate(w, length);
        break;
      case OpVariable: {
        need(4);
        if (w[3] != kStorageClassWorkgroup) break;
        auto pointer = types_.find(w[1]);
        if (pointer == types_.end() || pointer->second.op != OpTypePointer) {
          throw Error("SPIR-V: a shared variable whose type is not a pointer");
        }
        shared_ += bytesOf(pointer->second.element);
        break;
      }
      default:
        break;
    }
  }
};

}  // namespace

uint64_t workgroupMemoryBytes(const uint32_t* words, size_t wordCount,
                              const std::vector<uint32_t>& specValues) {
  return Module(words, wordCount, specValues).sharedBytes();
}

}  // namespace vkc::vk
