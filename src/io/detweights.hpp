#pragma once
// "detweights": the deterministic weight and input generator that the goldens were made with
// (tests/golden/README.md section 2). Every value is a pure function of (tensor name, flat
// index), so any model can be filled with reproducible weights without a weight file.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vkc::io {

uint64_t fnv1a64(std::string_view bytes);
// splitmix64 of seed + index (the README's "z").
uint64_t detweightsBits(uint64_t seed, uint64_t index);
// The top 24 bits of z mapped to [-1, 1); a multiple of 2^-23, exact in float and double.
double detweightsUnit(std::string_view name, uint64_t index);
// The tensor's values in row-major order, scaled by the README's name/shape rules.
// `*num_batches_tracked` is an int64 counter the generator leaves at 0: it returns zeros.
std::vector<float> detweightsTensor(const std::string& name, const std::vector<int64_t>& shape);
// The network input: name "input", scale 1, offset 0.
std::vector<float> detweightsInput(const std::vector<int64_t>& shape);

}  // namespace vkc::io
