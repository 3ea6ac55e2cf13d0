#include "graph/schedule.hpp"

#include <algorithm>

namespace vkc::graph {
namespace {

// A memory access: the byte range of the arena a dispatch binds. Sibling branches bind
// disjoint channel slices of their concat, so they do not conflict; aliased tensors do.
struct Access {
  uint64_t begin, end;
};

Access accessOf(const Graph& graph, const MemoryPlan& plan, int tensor) {
  vk::BufferSlice s = bindingOf(graph, plan, tensor).slice;
  return {s.offset, s.offset + s.range};
}

bool conflict(const Access& a, const Access& b) {
  return a.begin < b.end && b.begin < a.end;
}

}  // namespace

ops::TensorRef bindingOf(const Graph& graph, const MemoryPlan& plan, int tensor, VkBuffer arena) {
  const Tensor& t = graph.tensors[tensor];
  int root = graph.root(tensor);
  return ops::sliceRef(arena, plan.offset[root], plan.alignment,
                       plan.batch / graph.tensors[root].batchDivisor, t.channels, t.height, t.width,
                       graph.rootChannelOffset(tensor), plan.precision);
}

int Schedule::dispatchCount() const {
  int count = 0;
  for (const auto& level : levels)
    count += static_cast<int>(level.size());
  return count;
}

Schedule scheduleByLevels(const Graph& graph, const MemoryPlan& plan) {
  const int n = static_cast<int>(graph.nodes.size());
  std::vector<std::vector<Access>> reads(n), writes(n);
  std::vector<int> level(n, -1);
  for (int i : plan.order) {
    const Node& node = graph.nodes[i];
    writes[i].push_back(accessOf(graph, plan, node.output));
    for (int in : node.inputs)
      reads[i].push_back(accessOf(graph, plan, in));
  }
  // Hazards are ordered by the plan's program order (see MemoryPlan::order).
  int levels = 0;
  for (size_t pj = 0; pj < plan.order.size(); ++pj) {
    const int j = plan.order[pj];
    int lj = 0;
    for (size_t pi = 0; pi < pj; ++pi) {
      const int i = plan.order[pi];
      if (level[i] + 1 <= lj) continue;
      bool hazard = false;
      for (const Access& w : writes[j]) {
        for (const Access& r : reads[i])
          hazard = hazard || conflict(w, r);  // WAR
        for (const Access& w2 : writes[i])
          hazard = hazard || conflict(w, w2);  // WAW
      }
      for (const Access& r : reads[j]) {
        for (const Access& w2 : writes[i])
          hazard = hazard || conflict(r, w2);  // RAW
      }
      if (hazard) lj = level[i] + 1;
    }
    level[j] = lj;
    levels = std::max(levels, lj + 1);
  }
  Schedule schedule;
  schedule.levels.resize(levels);
  for (int i = 0; i < n; ++i) {
    if (level[i] >= 0) schedule.levels[level[i]].push_back(i);
  }
  return schedule;
}

}  // namespace vkc::graph
