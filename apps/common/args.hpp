#pragma once
// The apps' command-line parsing: a table of flags, each with its kind of value, so every app
// checks values and reports usage errors the same way ("<app>: <problem> (see --help)", exit 2).
#include <functional>
#include <string>
#include <vector>

namespace vkc::app {

class ArgParser {
 public:
  ArgParser(std::string program, const char* usage) : program_(std::move(program)), usage_(usage) {}

  void text(const std::string& flag, std::string* target);  // --flag VALUE, non-empty
  // --flag VALUE, one of `values`: "a or b" (or "a, b or c") in the usage error.
  void choice(const std::string& flag, std::string* target, std::vector<std::string> values);
  void positiveInt(const std::string& flag, int* target);     // 1, 2, ...
  void nonNegativeInt(const std::string& flag, int* target);  // 0, 1, ...
  void toggle(const std::string& flag, bool* target);         // --flag sets it
  void positional(std::vector<std::string>* target) { positional_ = target; }

  // -1: go on; otherwise the exit code (0 after --help or --version, 2 after a usage error).
  int parse(int argc, char** argv);
  int usageError(const std::string& message) const;

 private:
  struct Flag {
    std::string name;
    bool takesValue;
    std::function<bool(const std::string&)> apply;  // false: bad value
    std::string expects;                            // for the error message
  };
  std::string program_;
  const char* usage_;
  std::vector<Flag> flags_;
  std::vector<std::string>* positional_ = nullptr;
};

bool parsePositiveInt(const std::string& text, int* value);

}  // namespace vkc::app
