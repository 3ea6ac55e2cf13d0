#include "graph/weight_store.hpp"

#include <algorithm>
#include <cstring>

#include "io/half.hpp"
#include "ops/conv2d.hpp"
#include "tuning.hpp"
#include "util/parallel_for.hpp"
#include "vk/stopwatch.hpp"
#include "vkception/error.hpp"

namespace vkc::graph {
namespace {

uint64_t alignUp(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

// Bytes of a layer's packed weights and padded bias (ops::packConvWeights,
// ops::packWinogradWeights, ops::padBias: output channels in blocks of 32).
// Winograd's U is one packed 1x1 layer per point.
uint64_t packedWeightBytes(const ConvWeights& w, uint64_t elementBytes) {
  if (w.winograd.enabled()) {
    return ops::packedWinogradWeightCount(w.outC, w.inC, w.winograd) * elementBytes;
  }
  return ops::packedConvWeightCount(w.outC, w.inC, w.kernelH, w.kernelW) * elementBytes;
}
uint64_t paddedBiasBytes(const ConvWeights& w) {
  return alignUp(static_cast<uint64_t>(w.outC), 32) * sizeof(float);
}
uint64_t packedBytes(const ConvWeights& w, uint64_t elementBytes) {
  return packedWeightBytes(w, elementBytes) + paddedBiasBytes(w);
}

// Refuses, before anything is packed or uploaded, weights that cannot fit the device: more than
// its largest device-local heap, or one layer (with the alignment padding it may need) over a
// buffer.
constexpr uint64_t kMaxAlignment = 256;  // the largest binding alignment Vulkan allows
void checkFits(const vk::DeviceInfo& info, const Graph& graph, uint64_t elementBytes) {
  uint64_t total = 0;
  for (const ConvWeights& w : graph.weights) {
    const uint64_t bytes = packedBytes(w, elementBytes);
    if (bytes + 2 * kMaxAlignment > tuning::kWeightBufferBytes) {
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
  const uint64_t elementBytes = ops::elementBytes(precision);
  // Where each layer goes (offsets and ranges; the buffer handles once made): its weights, then
  // its bias (storage-read convolutions bind both as one range: ops/conv2d.cpp, convBuffers), in
  // buffers filled in layer order.
  std::vector<uint64_t> bufferBytes;
  std::vector<size_t> firstLayer;  // of each buffer
  entries_.resize(graph.weights.size());
  for (size_t i = 0; i < graph.weights.size(); ++i) {
    const ConvWeights& w = graph.weights[i];
    if (bufferBytes.empty() ||
        alignUp(bufferBytes.back(), align) + packedBytes(w, elementBytes) + align >
            tuning::kWeightBufferBytes) {
      bufferBytes.push_back(0);
      firstLayer.push_back(i);
    }
    Entry& e = entries_[i];
    e.weights.offset = alignUp(bufferBytes.back(), align);
    e.weights.range = packedWeightBytes(w, elementBytes);
    e.bias.offset = alignUp(e.weights.offset + e.weights.range, align);
    e.bias.range = paddedBiasBytes(w);
    bufferBytes.back() = e.bias.offset + e.bias.range;
  }
  firstLayer.push_back(graph.weights.size());

  // One buffer's worth at a time, its layers packed on every core straight into the buffer
  // where the device memory is host-visible and coherent (no copy), else into staging bytes
  // that are then uploaded (host memory holds at most one buffer of packed data).
  auto packInto = [&](uint8_t* bytes, size_t i) {
    const ConvWeights& w = graph.weights[i];
    const Entry& e = entries_[i];
    uint8_t* weights = bytes + e.weights.offset;
    std::vector<float> readNow;  // this layer's only host copy, where the graph has none
    if (w.readLater) readNow = w.readLater();
    const std::vector<float>& values = w.readLater ? readNow : w.weights;
    if (precision == ops::Precision::Fp32) {
      // Packed in place (no second copy of the layer) into a range sized by the packing's own
      // count (packedWeightBytes).
      auto* out = reinterpret_cast<float*>(weights);
      if (w.winograd.enabled()) {
        ops::packWinogradWeightsInto(values, w.outC, w.inC, w.winograd, out);
      } else {
        ops::packConvWeightsInto(values, w.outC, w.inC, w.kernelH, w.kernelW, out);
      }
    } else {  // fp16: packed as floats, then converted
      const std::vector<float> packed =
          w.winograd.enabled() ? ops::packWinogradWeights(values, w.outC, w.inC, w.winograd)
                               : ops::packConvWeights(values, w.outC, w.inC, w.kernelH, w.kernelW);
      if (packed.size() * elementBytes != e.weights.range) {
        throw Error("internal: packed size of layer '" + w.name + "' differs from its placement");
      }
      io::floatsToHalves(packed.data(), packed.size(), reinterpret_cast<uint16_t*>(weights));
    }
    const std::vector<float> bias = ops::padBias(w.bias, w.outC);
    if (bias.size() * sizeof(float) != e.bias.range) {
      throw Error("internal: padded bias of layer '" + w.name + "' differs from its placement");
    }
    std::memcpy(bytes + e.bias.offset, bias.data(), bias.size() * sizeof(float));
  };
  // The alignment gaps between a buffer's layers (which the packing leaves alone) as zeros.
  auto zeroGaps = [&](uint8_t* bytes, size_t b) {
    uint64_t end = 0;
    for (size_t i = firstLayer[b]; i < firstLayer[b + 1]; ++i) {
      const Entry& e = entries_[i];
      std::memset(bytes + end, 0, e.weights.offset - end);
      const uint64_t weightsEnd = e.weights.offset + e.weights.range;
      std::memset(bytes + weightsEnd, 0, e.bias.offset - weightsEnd);
      end = e.bias.offset + e.bias.range;
    }
    std::memset(bytes + end, 0, bufferBytes[b] - end);
  };
  int packedLayers = 0;
  std::vector<uint8_t> staging;
  for (size_t b = 0; b < bufferBytes.size(); ++b) {
    vk::Stopwatch upload;
    vk::Buffer buffer = device.memory().createBuffer(bufferBytes[b], vk::MemoryUsage::DeviceLocal);
    auto* direct = static_cast<uint8_t*>(buffer.coherentMapping());
    uploadMs_ += upload.ms();

    const vk::Stopwatch pack;
    uint8_t* bytes = direct;
    if (!direct) {
      staging.resize(bufferBytes[b]);
      bytes = staging.data();
    }
    zeroGaps(bytes, b);
    util::parallelFor(
        firstLayer[b + 1] - firstLayer[b], [&](size_t k) { packInto(bytes, firstLayer[b] + k); },
        [&](size_t) {
          if (progress) progress(++packedLayers, int(graph.weights.size()));
        });
    packMs_ += pack.ms();

    upload.restart();
    if (!direct) device.upload(buffer, staging.data(), staging.size());
    for (size_t i = firstLayer[b]; i < firstLayer[b + 1]; ++i)
      entries_[i].weights.buffer = entries_[i].bias.buffer = buffer.handle();
    bytes_ += bufferBytes[b];
    buffers_.push_back(std::move(buffer));
    uploadMs_ += upload.ms();
  }
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
