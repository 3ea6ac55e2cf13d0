#include "graph/weight_store.hpp"

#include <algorithm>
#include <cstring>

#include "io/half.hpp"
#include "vk/stopwatch.hpp"
#include "vkception/error.hpp"

namespace vkc::graph {
namespace {

// Buffers of at most 64 MiB: below every device's maxStorageBufferRange (>= 128 MiB) and
// small enough to fit mobile heaps' allocation limits.
constexpr uint64_t kBufferBytes = 64ull << 20;

uint64_t alignUp(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

// Bytes of a layer's packed weights and padded bias (ops::packConvWeights,
// ops::packWinogradWeights, ops::padBias: output channels in blocks of 32).
uint64_t packedBytes(const ConvWeights& w, uint64_t elementBytes) {
  const uint64_t outBlocks = alignUp(static_cast<uint64_t>(w.outC), 32);
  const uint64_t taps =
      w.winograd.enabled() ? w.winograd.points() : static_cast<uint64_t>(w.kernelH) * w.kernelW;
  return outBlocks * w.inC * taps * elementBytes + outBlocks * sizeof(float);
}

// Refuses, before anything is packed or uploaded, weights that cannot fit the device: more than
// its largest device-local heap, or one layer (with the alignment padding it may need) over a
// buffer.
constexpr uint64_t kMaxAlignment = 256;  // the largest binding alignment Vulkan allows
void checkFits(const vk::DeviceInfo& info, const Graph& graph, uint64_t elementBytes) {
  uint64_t total = 0;
  for (const ConvWeights& w : graph.weights) {
    const uint64_t bytes = packedBytes(w, elementBytes);
    if (bytes + 2 * kMaxAlignment > kBufferBytes) {
      throw Error("weights of layer '" + w.name + "' need " + std::to_string(bytes >> 20) +
                      " MiB packed, over the 64 MiB a weight buffer may hold",
                  ErrorCode::OutOfMemory);
    }
    total += bytes;
  }
  const uint64_t heap = info.largestDeviceLocalHeap();
  if (heap > 0 && total > heap) {
    throw Error("the weights need " + std::to_string(total >> 20) +
                    " MiB on the device, more than "
                    "its largest memory heap (" +
                    std::to_string(heap >> 20) + " MiB)",
                ErrorCode::OutOfMemory);
  }
}

}  // namespace

WeightStore::WeightStore(vk::Device& device, const Graph& graph, ops::Precision precision,
                         const std::function<void(int done, int total)>& progress)
    : precision_(precision) {
  checkFits(device.info(), graph, ops::elementBytes(precision));
  const uint64_t align = device.info().bindingAlignment();
  struct Host {
    std::vector<float> weights, bias;
  };
  // Pack one layer at a time and flush a buffer's worth as soon as it is full, so host memory
  // holds at most one buffer of packed data.
  std::vector<uint8_t> staging;
  std::vector<std::pair<size_t, bool>> pending;  // (entry, is-bias) awaiting a buffer handle
  std::vector<uint64_t> pendingOffsets;
  entries_.resize(graph.weights.size());

  auto flush = [&]() {
    if (staging.empty()) return;
    const vk::Stopwatch upload;
    vk::Buffer buffer = device.memory().createBuffer(staging.size(), vk::MemoryUsage::DeviceLocal);
    device.upload(buffer, staging.data(), staging.size());
    for (size_t i = 0; i < pending.size(); ++i) {
      auto [entry, isBias] = pending[i];
      vk::BufferSlice& slice = isBias ? entries_[entry].bias : entries_[entry].weights;
      slice.buffer = buffer.handle();
      slice.offset = pendingOffsets[i];
    }
    bytes_ += staging.size();
    buffers_.push_back(std::move(buffer));
    staging.clear();
    pending.clear();
    pendingOffsets.clear();
    uploadMs_ += upload.ms();
  };
  auto append = [&](size_t entry, bool isBias, const void* data, uint64_t size) {
    if (alignUp(staging.size(), align) + size > kBufferBytes) flush();
    uint64_t offset = alignUp(staging.size(), align);
    staging.resize(offset + size);
    std::memcpy(staging.data() + offset, data, size);
    pending.emplace_back(entry, isBias);
    pendingOffsets.push_back(offset);
    vk::BufferSlice& slice = isBias ? entries_[entry].bias : entries_[entry].weights;
    slice.range = size;
  };

  for (size_t i = 0; i < graph.weights.size(); ++i) {
    const ConvWeights& w = graph.weights[i];
    // A layer's weights and bias go into one buffer, bias after weights: storage-read
    // convolutions bind both as one range (ops/conv2d.cpp, convBuffers).
    if (alignUp(staging.size(), align) + packedBytes(w, ops::elementBytes(precision)) + align >
        kBufferBytes) {
      flush();
    }
    const vk::Stopwatch pack;
    std::vector<float> packed =
        w.winograd.enabled() ? ops::packWinogradWeights(w.weights, w.outC, w.inC, w.winograd)
                             : ops::packConvWeights(w.weights, w.outC, w.inC, w.kernelH, w.kernelW);
    if (precision == ops::Precision::Fp16) {
      std::vector<uint16_t> halves(packed.size());
      io::floatsToHalves(packed.data(), packed.size(), halves.data());
      append(i, false, halves.data(), halves.size() * sizeof(uint16_t));
    } else {
      append(i, false, packed.data(), packed.size() * sizeof(float));
    }
    std::vector<float> bias = ops::padBias(w.bias, w.outC);
    append(i, true, bias.data(), bias.size() * sizeof(float));
    packMs_ += pack.ms();
    if (progress) progress(int(i + 1), int(graph.weights.size()));
  }
  flush();
}

WeightStore::WeightStore(const std::vector<const WeightStore*>& parts)
    : precision_(parts.empty() ? ops::Precision::Fp32 : parts.front()->precision()) {
  for (const WeightStore* part : parts) {
    if (part->precision() != precision_) throw Error("weight stores of different precisions");
    entries_.insert(entries_.end(), part->entries_.begin(), part->entries_.end());
    bytes_ += part->bytes_;
  }
}

}  // namespace vkc::graph
