#include "common/args.hpp"

#include <cstdio>
#include <cstdlib>

namespace vkc::app {

bool parsePositiveInt(const std::string& text, int* value) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v <= 0 || v > 1000000) return false;
  *value = static_cast<int>(v);
  return true;
}

void ArgParser::text(const std::string& flag, std::string* target) {
  flags_.push_back({flag, true,
                    [target](const std::string& v) {
                      *target = v;
                      return !v.empty();
                    },
                    "a value"});
}

void ArgParser::choice(const std::string& flag, std::string* target,
                       std::vector<std::string> values) {
  std::string expects;
  for (size_t i = 0; i < values.size(); ++i) {
    expects += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
  }
  flags_.push_back({flag, true,
                    [target, values](const std::string& v) {
                      for (const std::string& allowed : values) {
                        if (v == allowed) return *target = v, true;
                      }
                      return false;
                    },
                    expects});
}

void ArgParser::positiveInt(const std::string& flag, int* target) {
  flags_.push_back({flag, true,
                    [target](const std::string& v) { return parsePositiveInt(v, target); },
                    "a positive integer"});
}

void ArgParser::nonNegativeInt(const std::string& flag, int* target) {
  flags_.push_back({flag, true,
                    [target](const std::string& v) {
                      if (v == "0") return *target = 0, true;
                      return parsePositiveInt(v, target);
                    },
                    "a number >= 0"});
}

void ArgParser::toggle(const std::string& flag, bool* target) {
  flags_.push_back({flag, false, [target](const std::string&) { return *target = true; }, ""});
}

int ArgParser::usageError(const std::string& message) const {
  std::fprintf(stderr, "%s: %s (see --help)\n", program_.c_str(), message.c_str());
  return 2;
}

int ArgParser::parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(usage_, stdout);
      return 0;
    }
    if (a == "--version") {
      std::printf("%s %s\n", program_.c_str(), VKC_VERSION);
      return 0;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags_)
      flag = f.name == a ? &f : flag;
    if (flag) {
      std::string value;
      if (flag->takesValue) {
        if (i + 1 >= argc) return usageError(a + " needs " + flag->expects);
        value = argv[++i];
      }
      if (!flag->apply(value)) {
        return usageError(a + " needs " + flag->expects + ", got '" + value + "'");
      }
    } else if (a.size() > 1 && a[0] == '-') {
      return usageError("unknown option '" + a + "'");
    } else if (positional_) {
      positional_->push_back(a);
    } else {
      return usageError("unexpected argument '" + a + "'");
    }
  }
  return -1;
}

}  // namespace vkc::app
