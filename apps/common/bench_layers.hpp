#pragma once
// vkc-bench --layers: single convolutions of Inception's shapes timed per kernel family and batch.
#include "common/cli.hpp"

namespace vkc::app {

// Prints the table (or --json), returns the exit status: 0, 1 on a failed run, 2 on a usage error.
int benchLayersMain(const BenchOptions& options);

}  // namespace vkc::app
