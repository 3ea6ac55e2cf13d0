#pragma once
// The kernel builds the on-device self-test (src/selftest/) found wrong on a device, by shader
// build name ("conv1x1_st", "pool2d_sr_fp16", as ops::shaderFor names them): the plan never
// chooses them there and falls back (ops::readPathFor, ops::planConv, the Winograd lowering,
// fp16 to fp32). One object is shared by a device's policy and every copy of it, so a verdict
// reaches them all; reads are safe while another thread adds.
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace vkc::vk {

class KernelVerdicts {
 public:
  void fail(const std::string& shader, const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    failed_.emplace(shader, reason);
  }
  bool failed(const std::string& shader) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failed_.count(shader) != 0;
  }
  // The self-test configurations already run for this device (selftest::Configuration names;
  // "*": all of them), so that a load does not test again.
  void markTested(const std::string& configuration) {
    std::lock_guard<std::mutex> lock(mutex_);
    tested_.insert(configuration);
  }
  bool tested(const std::string& configuration) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return tested_.count(configuration) || tested_.count("*");
  }
  // Serialises the self-tests of one device (selftest::ensureTested).
  std::mutex& testing() { return testing_; }
  // Forgets every verdict and tested configuration (tests that share a device).
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    failed_.clear();
    tested_.clear();
  }
  // Shader build -> why (the self-test's case and error).
  std::map<std::string, std::string> failures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failed_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> failed_;
  std::set<std::string> tested_;
  std::mutex testing_;
};

}  // namespace vkc::vk
