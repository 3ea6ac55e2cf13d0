#pragma once
// Static activation memory plan: every root tensor (one that is not a slice of another) gets a
// byte range in one arena; tensors whose lifetimes do not overlap share bytes.
#include <cstdint>
#include <vector>

#include "graph/graph.hpp"
#include "vk/device_info.hpp"

namespace vkc::graph {

struct Lifetime {
  int first = -1, last = -1;  // dependency levels (-1: written by the upload before level 0)
};

struct MemoryPlan {
  int batch = 1;
  uint64_t alignment = 16;                          // every binding starts at a multiple of this
  ops::Precision precision = ops::Precision::Fp32;  // of every tensor
  std::vector<uint64_t> offset;    // per tensor: byte offset of its root in the arena
  std::vector<uint64_t> bytes;     // per tensor: bytes of its root
  std::vector<Lifetime> lifetime;  // per root tensor
  uint64_t arenaBytes = 0;         // peak: what the arena needs
  uint64_t naiveBytes = 0;         // sum of all root tensors, no reuse
  uint64_t largestTensorBytes = 0;
  // The program order the lifetimes were measured in (node indices, a topological order).
  // The scheduler must order hazards in this same order, or a reader that comes later in node
  // order than the writer of its aliased memory would be scheduled after that writer.
  std::vector<int> order;
};

// alignment: where bindings may start (DeviceInfo::bindingAlignment; every root starts at a
// multiple). reuse=false places every root at its own range (for debugging aliasing problems).
// The largest batch whose biggest tensor fits one binding (maxStorageBufferRange), whose arena
// fits a quarter of the largest device-local heap and one allocation; at least 1.
int largestBatch(const Graph& graph, const vk::DeviceInfo& device, ops::Precision precision);

MemoryPlan planMemory(const Graph& graph, int batch, uint64_t alignment, bool reuse = true,
                      ops::Precision precision = ops::Precision::Fp32);

}  // namespace vkc::graph
