#pragma once
// An environment variable set for a scope, for tests of what the API edge reads
// (src/api/environment.hpp).
#include <cstdlib>
#include <optional>
#include <string>

namespace vkc::test {

// Sets `name` to `value` for its lifetime, then puts back what was there (or unsets it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace vkc::test
