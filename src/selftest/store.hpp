#pragma once
// The self-test's results kept beside the pipeline cache ("<cache>.selftest.json"), keyed by the
// device (vendor, device id, pipeline-cache UUID), its driver version, the library's version and
// the test-only corrupt kernel: a file with another key is ignored (the device is tested again),
// one that does not parse is ignored with a warning on stderr.
#include <optional>
#include <set>
#include <string>

#include "selftest/self_test.hpp"

namespace vkc::selftest {

struct Stored {
  bool complete = false;                 // every configuration ran (vkc-info --self-test)
  std::set<std::string> configurations;  // else those that ran (Configuration::name)
  Report report;
};

// Empty where the device keeps no pipeline cache on disk.
std::string storePath(const vk::Device& device);
std::optional<Stored> loadStored(const vk::Device& device);
// Best effort: a file that cannot be written is left alone (the next start tests again).
void saveStored(const vk::Device& device, const Stored& stored);

}  // namespace vkc::selftest
