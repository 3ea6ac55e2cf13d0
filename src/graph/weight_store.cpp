#include "graph/weight_store.hpp"

#include <algorithm>
#include <cstring>

#include "io/half.hpp"
#include "vkception/error.hpp"

namespace vkc::graph {
namespace {

// Buffers of at most 64 MiB: below every device's maxStorageBufferRange (>= 128 MiB) and
// small enough to fit mobile heaps' allocation limits.
constexpr uint64_t kBufferBytes = 64ull << 20;

uint64_t alignUp(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

}  // namespace

WeightStore::WeightStore(vk::Device& device, const Graph& graph, ops::Precision precision)
    : precision_(precision) {
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
  };
  auto append = [&](size_t entry, bool isBias, const void* data, uint64_t size) {
    if (size > kBufferBytes) throw Error("a single weight tensor exceeds 64 MiB");
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
  }
  flush();
}

}  // namespace vkc::graph
