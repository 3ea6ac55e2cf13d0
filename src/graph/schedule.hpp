#pragma once
// Dependency levels: a node's level is one more than that of every earlier node it must wait
// for — it reads what that node wrote (RAW), overwrites what it read (WAR) or wrote (WAW),
// memory aliasing included. Nodes of one level run without barriers between them (e.g. the
// parallel branches of an Inception block); one memory barrier separates consecutive levels.
#include <vector>

#include "graph/memory_plan.hpp"

namespace vkc::graph {

struct Schedule {
  std::vector<std::vector<int>> levels;  // node indices per level, each in graph order
  int dispatchCount() const;
};

Schedule scheduleByLevels(const Graph& graph, const MemoryPlan& plan);

// The buffer range a dispatch binds for `tensor` under `plan` (offsets relative to the arena).
ops::TensorRef bindingOf(const Graph& graph, const MemoryPlan& plan, int tensor,
                         VkBuffer arena = VK_NULL_HANDLE);

}  // namespace vkc::graph
