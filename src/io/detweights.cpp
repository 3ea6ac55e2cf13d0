#include "io/detweights.hpp"

#include <cmath>
#include <limits>

#include "vkception/error.hpp"

// tests/golden/README.md requires the value to be computed in double and rounded once to float;
// this file must not be built with -ffast-math (an FMA cannot change the result for these scales).
#if defined(__FAST_MATH__)
#error "detweights.cpp must be compiled without -ffast-math"
#endif

namespace vkc::io {
namespace {

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

double unitFromBits(uint64_t z) {
  return static_cast<double>(z >> 40) / 8388608.0 - 1.0;
}

size_t elementCount(const std::string& name, const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && n > std::numeric_limits<size_t>::max() / static_cast<size_t>(d))) {
      throw Error("detweights: tensor '" + name + "': invalid shape");
    }
    n *= static_cast<size_t>(d);
  }
  return n;
}

std::vector<float> generate(const std::string& name, size_t count, double scale, double offset) {
  const uint64_t seed = fnv1a64(name);
  std::vector<float> out(count);
  for (size_t i = 0; i < count; ++i) {
    const double u = unitFromBits(detweightsBits(seed, i));
    out[i] = static_cast<float>(u * scale + offset);
  }
  return out;
}

}  // namespace

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

uint64_t detweightsBits(uint64_t seed, uint64_t index) {
  uint64_t z = seed + index + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double detweightsUnit(std::string_view name, uint64_t index) {
  return unitFromBits(detweightsBits(fnv1a64(name), index));
}

std::vector<float> detweightsTensor(const std::string& name, const std::vector<int64_t>& shape) {
  const size_t count = elementCount(name, shape);
  // First matching rule wins, in tests/golden/README.md's order.
  if (endsWith(name, "num_batches_tracked")) return std::vector<float>(count, 0.0f);
  if (endsWith(name, "running_var")) return generate(name, count, 0.5, 1.0);
  if (endsWith(name, "running_mean")) return generate(name, count, 0.1, 0.0);
  if (shape.size() == 1) {
    return endsWith(name, ".weight") ? generate(name, count, 0.5, 1.0)
                                     : generate(name, count, 0.1, 0.0);
  }
  if (shape.size() < 2) {
    throw Error("detweights: tensor '" + name + "': a weight needs at least 2 dimensions");
  }
  double fanIn = 1.0;
  for (size_t i = 1; i < shape.size(); ++i)
    fanIn *= static_cast<double>(shape[i]);
  return generate(name, count, std::sqrt(6.0 / fanIn), 0.0);
}

std::vector<float> detweightsInput(const std::vector<int64_t>& shape) {
  return generate("input", elementCount("input", shape), 1.0, 0.0);
}

}  // namespace vkc::io
