#pragma once
// Runs a Graph on the CPU in double precision with the reference ops: the independent check
// for the planner, scheduler and program (no slices, no aliasing, no reordering).
#include <algorithm>
#include <cmath>
#include <vector>

#include "graph/graph.hpp"

namespace vkc::test {

// Returns every tensor's value ([N, C, H, W] plain) in double.
std::vector<std::vector<double>> runGraphOnCpu(const graph::Graph& graph,
                                               const std::vector<float>& input, int batch);

inline double maxAbs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v)
    m = std::max(m, std::fabs(x));
  return m;
}

}  // namespace vkc::test
