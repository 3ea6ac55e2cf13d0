#pragma once
// The library's tuned constants, each with the one-line reason for its value; the measurements
// behind them are in docs/performance.md ("Design choices, measured"). Per-device choices are not
// here but in the device policy (vk/device_policy.cpp) and the conv plan's tile tables
// (ops/conv_plan.cpp, ops/conv2d.hpp's register blocks).
#include <cstdint>

namespace vkc::tuning {

// Conv plan (ops/conv_plan.cpp).
// Fully connected layers with at least this many inputs go through linear.comp, whose blocked
// sums keep the classifiers' rounding out of the logits (1536-2048 inputs, IR-v1's 512).
inline constexpr int kLongSum = 512;
// Split K into at most this many slices: the reduce reads that many partial sums per output.
inline constexpr int kMaxSplitK = 8;
// Each K slice at least this many steps of BK: a shorter one spends more on its tile's loads.
inline constexpr int kMinSliceSteps = 8;
// Shader cores assumed where a device does not report them: only used to want two tiles a core.
inline constexpr int kDefaultShaderCores = 16;

// Register-blocked kernels (ops/conv2d.cpp).
// Output channels per conv2d_segments invocation at stride 1: more gain nothing on CPU drivers.
inline constexpr int kSegmentChannels = 16;

// Winograd (ops/winograd.cpp): where it beats direct convolution on CPU drivers.
// Products planes of fewer tiles leave conv1x1's lanes idle (untested below 16).
inline constexpr int kWinogradMinPlanePixels = 16;
// Narrower layers (inC or outC) are untested below 32 channels.
inline constexpr int kWinogradMinChannels = 32;
// Each point's GEMM needs this much work: IR-v2's 32 -> 48 channel 35x35 layers (55k) run
// faster directly, its 48 -> 64 ones (110k) through Winograd.
inline constexpr long kWinogradMinProductsPerPoint = 65536;

// The at-once start (graph/).
// Networks with this many 1x7 and 7x1 layers (v4 46, IR-v2 40) get their own pipelines for them;
// fewer (IR-v1 20, v3 26) would lengthen the first start for no later gain.
inline constexpr long kManySevenTapFrom = 32;
// Networks under this many FLOP per image (the bundled models, ~0.01 GFLOP) get 2-pixel
// conv2d_at_once blocks, built sooner; the large ones keep 4, whose 3x3 layers run faster.
inline constexpr double kTwoPixelAtOnceBelowFlops = 1e9;

// Memory.
// Weight buffers of at most 64 MiB: under every device's maxStorageBufferRange (>= 128 MiB)
// and within mobile heaps' allocation limits.
inline constexpr uint64_t kWeightBufferBytes = 64ull << 20;
// Device memory blocks of 64 MiB: few allocations, small enough for mobile heaps.
inline constexpr uint64_t kMemoryBlockBytes = 64ull << 20;

}  // namespace vkc::tuning
