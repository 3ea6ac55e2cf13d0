#pragma once
// vkc-bench --layers: single convolutions of Inception's shapes timed per kernel family and batch.
#include <string>

#include "common/cli.hpp"
#include "vkception/vkception.hpp"

namespace vkc::app {

// Prints the table (or --json), returns the exit status: 0, 1 on a failed run, 2 on a usage error.
int benchLayersMain(const BenchOptions& options);

// --conv-kernel's value as ContextOptions::convKernel ("auto", "blocked", "igemm", "regtile").
vkc::ConvKernel convKernelOption(const std::string& name);

}  // namespace vkc::app
