#pragma once
// Every convolution's packed weights (fp32 or fp16) and bias (fp32) in device-local memory,
// packed in place where that memory is host-visible, else uploaded once through a staging
// buffer, and shared by the programs compiled for different batch sizes.
#include <functional>
#include <vector>

#include "graph/graph.hpp"
#include "vk/device.hpp"
#include "vk/dispatch.hpp"

namespace vkc::graph {

class WeightStore {
 public:
  // `progress` (optional): layers done of total, after each layer, one call at a time from the
  // packing threads.
  WeightStore(vk::Device& device, const Graph& graph,
              ops::Precision precision = ops::Precision::Fp32,
              const std::function<void(int done, int total)>& progress = {});
  // The layers of `parts` in order, in their buffers (an ensemble's merged graph numbers its
  // members' layers so); owns nothing: the parts must outlive it. All of one precision.
  explicit WeightStore(const std::vector<const WeightStore*>& parts);
  ops::Precision precision() const { return precision_; }
  vk::BufferSlice weights(int index) const { return entries_[index].weights; }
  vk::BufferSlice bias(int index) const { return entries_[index].bias; }
  uint64_t bytes() const { return bytes_; }
  // Load time: packing for the kernels (Winograd's U transforms included), and the uploads.
  double packMs() const { return packMs_; }
  double uploadMs() const { return uploadMs_; }

 private:
  struct Entry {
    vk::BufferSlice weights, bias;
  };
  std::vector<vk::Buffer> buffers_;
  std::vector<Entry> entries_;
  uint64_t bytes_ = 0;
  double packMs_ = 0, uploadMs_ = 0;
  ops::Precision precision_;
};

}  // namespace vkc::graph
