#include "graph/memory_plan.hpp"

#include "graph/schedule.hpp"

#include <algorithm>
#include <numeric>

namespace vkc::graph {
namespace {

uint64_t alignUp(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

bool overlaps(const Lifetime& a, const Lifetime& b) {
  return a.first <= b.last && b.first <= a.last;
}

}  // namespace

MemoryPlan planMemory(const Graph& graph, int batch, uint64_t alignment, bool reuse,
                      ops::Precision precision) {
  const size_t count = graph.tensors.size();
  alignment = std::max<uint64_t>(alignment, 16);
  MemoryPlan plan;
  plan.batch = batch;
  plan.alignment = alignment;
  plan.precision = precision;
  plan.offset.assign(count, 0);
  plan.bytes.assign(count, 0);
  plan.lifetime.assign(count, {});

  // Lifetimes are measured in dependency levels of the schedule without reuse: a root lives
  // from the level of its first writer to the level of its last reader. Two roots share bytes
  // only if one's last read is at an earlier level than the other's first write, so a barrier
  // already separates them and aliasing adds no level to the schedule.
  std::vector<int> levelOf(graph.nodes.size(), 0);
  int levelCount = 0;
  plan.order.clear();
  if (reuse) {
    MemoryPlan separate = planMemory(graph, batch, alignment, false, precision);
    Schedule schedule = scheduleByLevels(graph, separate);
    levelCount = static_cast<int>(schedule.levels.size());
    for (int l = 0; l < levelCount; ++l) {
      for (int node : schedule.levels[l]) {
        levelOf[node] = l;
        plan.order.push_back(node);
      }
    }
  } else {
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (graph.nodes[i].kind != OpKind::Concat) plan.order.push_back(static_cast<int>(i));
    }
  }
  auto touch = [&](int tensor, int step) {
    Lifetime& life = plan.lifetime[graph.root(tensor)];
    if (life.first == -1 && life.last == -1) {
      life = {step, step};
    } else {
      life.first = std::min(life.first, step);
      life.last = std::max(life.last, step);
    }
  };
  touch(graph.input, -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (node.kind == OpKind::Concat) continue;  // no work of its own
    int step = reuse ? levelOf[i] : static_cast<int>(i);
    touch(node.output, step);
    for (int in : node.inputs)
      touch(in, step);
  }
  touch(graph.output, reuse ? levelCount : static_cast<int>(graph.nodes.size()));  // download

  std::vector<int> roots;
  for (size_t t = 0; t < count; ++t) {
    if (graph.tensors[t].parent >= 0 || plan.lifetime[t].last < plan.lifetime[t].first) continue;
    if (plan.lifetime[t].first == -1 && plan.lifetime[t].last == -1 &&
        static_cast<int>(t) != graph.input) {
      continue;  // never used
    }
    const Tensor& tensor = graph.tensors[t];
    plan.bytes[t] = uint64_t(tensor.channels) *
                    ops::planeElements(batch / tensor.batchDivisor, tensor.height, tensor.width) *
                    ops::elementBytes(precision);
    plan.naiveBytes += alignUp(plan.bytes[t], alignment);
    plan.largestTensorBytes = std::max(plan.largestTensorBytes, plan.bytes[t]);
    roots.push_back(static_cast<int>(t));
  }

  // Greedy by size: biggest first, each at the lowest offset that does not collide with an
  // already placed root whose lifetime overlaps.
  std::stable_sort(roots.begin(), roots.end(),
                   [&](int a, int b) { return plan.bytes[a] > plan.bytes[b]; });
  std::vector<int> placed;
  for (int t : roots) {
    uint64_t size = alignUp(plan.bytes[t], alignment);
    uint64_t offset = 0;
    if (reuse) {
      std::vector<std::pair<uint64_t, uint64_t>> busy;
      for (int p : placed) {
        if (overlaps(plan.lifetime[t], plan.lifetime[p])) {
          busy.emplace_back(plan.offset[p], plan.offset[p] + alignUp(plan.bytes[p], alignment));
        }
      }
      std::sort(busy.begin(), busy.end());
      for (const auto& [begin, end] : busy) {
        if (offset + size <= begin) break;
        offset = std::max(offset, end);
      }
    } else {
      offset = plan.arenaBytes;
    }
    plan.offset[t] = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + size);
    placed.push_back(t);
  }
  // Slices share their root's range.
  for (size_t t = 0; t < count; ++t) {
    int r = graph.root(static_cast<int>(t));
    plan.offset[t] = plan.offset[r];
    plan.bytes[t] = plan.bytes[r];
  }
  return plan;
}

int largestBatch(const Graph& graph, const vk::DeviceInfo& device, ops::Precision precision) {
  // A tensor's bytes grow at most linearly with the batch (planes only round up to 8 elements).
  uint64_t perImage = 1;
  for (const Tensor& t : graph.tensors) {
    perImage = std::max<uint64_t>(perImage, uint64_t(t.channels) *
                                                ops::planeElements(1, t.height, t.width) *
                                                ops::elementBytes(precision));
  }
  uint64_t batch = device.maxStorageBufferRange / perImage;
  // And the activations of one chunk within a quarter of the largest device-local heap, so that
  // a huge batch is split instead of exhausting the device (or, on CPU drivers, the host).
  const uint64_t heap = device.largestDeviceLocalHeap();
  const uint64_t arenaPerImage =
      planMemory(graph, 1, device.bindingAlignment(), true, precision).arenaBytes;
  if (heap > 0 && arenaPerImage > 0) batch = std::min(batch, heap / 4 / arenaPerImage);
  // The arena is one allocation: within maxMemoryAllocationSize (1 GiB at the minimum).
  if (arenaPerImage > 0)
    batch = std::min<uint64_t>(batch, device.maxMemoryAllocationSize / arenaPerImage);
  return static_cast<int>(std::clamp<uint64_t>(batch, 1, 1 << 16));  // dispatches fold wider grids
}

}  // namespace vkc::graph
