#include "common/eval_lists.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "common/args.hpp"
#include "vkception/error.hpp"

namespace fs = std::filesystem;

namespace vkc::app {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');)
    cells.push_back(trim(cell));
  return cells;
}

int columnOf(const std::vector<std::string>& header, std::initializer_list<const char*> names) {
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = header[i];
    std::transform(h.begin(), h.end(), h.begin(), ::tolower);
    for (const char* n : names) {
      std::string want = n;
      std::transform(want.begin(), want.end(), want.begin(), ::tolower);
      if (h == want) return static_cast<int>(i);
    }
  }
  return -1;
}

bool parseLabel(const std::string& text, int* value) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 0 || v > 1000000) return false;
  *value = static_cast<int>(v);
  return true;
}

}  // namespace

EvalSet loadValList(const std::string& listPath, const std::string& root, int labelOffset) {
  std::ifstream in(listPath);
  if (!in) throw Error(listPath + ": cannot open the validation list");
  const fs::path base = root.empty() ? fs::path(listPath).parent_path() : fs::path(root);
  EvalSet set;
  set.source = listPath;
  std::string line;
  int lineNo = 0, pathColumn = -1, labelColumn = -1;
  bool csv = false;
  while (std::getline(in, line)) {
    ++lineNo;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = listPath + ":" + std::to_string(lineNo) + ": ";
    std::string path, label;
    if (set.paths.empty() && !csv && line.find(',') != std::string::npos) {  // a CSV header
      std::vector<std::string> header = splitCsv(line);
      pathColumn = columnOf(header, {"filename", "file", "path", "image", "ImageId"});
      labelColumn = columnOf(header, {"label", "class", "class_index", "target"});
      if (pathColumn < 0 || labelColumn < 0) {
        throw Error(where +
                    "CSV header needs a path column (filename, path, image, ImageId) "
                    "and a label column (label, class, class_index, target)");
      }
      csv = true;
      continue;
    }
    if (csv) {
      std::vector<std::string> cells = splitCsv(line);
      if (int(cells.size()) <= std::max(pathColumn, labelColumn)) {
        throw Error(where + "expected " + std::to_string(std::max(pathColumn, labelColumn) + 1) +
                    " columns, got " + std::to_string(cells.size()));
      }
      path = cells[pathColumn];
      label = cells[labelColumn];
      if (fs::path(path).extension().empty()) path += ".JPEG";  // ImageNet's ImageId
    } else {
      const size_t space = line.find_last_of(" \t");
      if (space == std::string::npos) throw Error(where + "expected 'path label'");
      path = trim(line.substr(0, space));
      label = line.substr(space + 1);
    }
    int value = 0;
    if (!parseLabel(label, &value)) {
      throw Error(where + "label '" + label + "' is not a class index");
    }
    set.paths.push_back(fs::path(path).is_absolute() ? path : (base / path).string());
    set.labels.push_back(value + labelOffset);
  }
  if (set.paths.empty()) throw Error(listPath + ": no images listed");
  return set;
}

long imageNumber(const EvalSet& set, size_t i) {
  static const std::regex valName(R"(_val_0*([0-9]+)\.[A-Za-z]+$)");
  std::smatch m;
  if (i < set.paths.size() && std::regex_search(set.paths[i], m, valName)) {
    return std::stol(m[1].str());
  }
  return static_cast<long>(i) + 1;
}

std::vector<bool> excludedImages(const EvalSet& set, const std::string& excludePath) {
  std::ifstream in(excludePath);
  if (!in) throw Error(excludePath + ": cannot open the exclusion list");
  std::set<long> numbers;
  std::string line;
  for (int lineNo = 1; std::getline(in, line); ++lineNo) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    char* end = nullptr;
    const long v = std::strtol(line.c_str(), &end, 10);
    if (*end != '\0' || v < 1) {
      throw Error(excludePath + ":" + std::to_string(lineNo) + ": '" + line +
                  "' is not a 1-based image number");
    }
    numbers.insert(v);
  }
  std::vector<bool> excluded(set.size(), false);
  for (size_t i = 0; i < set.size(); ++i)
    excluded[i] = numbers.count(imageNumber(set, i)) > 0;
  return excluded;
}

std::vector<MemberSpec> parseEnsembleSpec(const std::string& spec) {
  std::vector<MemberSpec> members;
  std::stringstream ss(spec);
  for (std::string item; std::getline(ss, item, ',');) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      throw Error("--ensemble: '" + item + "' is not NAME:FILE[:WEIGHT]", ErrorCode::BadArgument);
    }
    MemberSpec m;
    m.model = item.substr(0, colon);
    m.weights = item.substr(colon + 1);
    const size_t last = m.weights.rfind(':');
    if (last != std::string::npos) {
      const std::string w = m.weights.substr(last + 1);
      char* end = nullptr;
      const float value = std::strtof(w.c_str(), &end);
      if (w.empty() || *end != '\0' || !(value > 0.0f) || !std::isfinite(value)) {
        throw Error("--ensemble: weight '" + w + "' of '" + item + "' is not a positive number",
                    ErrorCode::BadArgument);
      }
      m.weight = value;
      m.weights.resize(last);
    }
    members.push_back(m);
  }
  if (members.empty()) throw Error("--ensemble: no members", ErrorCode::BadArgument);
  return members;
}

std::vector<int> parseIntList(const std::string& text, const std::string& flag) {
  std::vector<int> values;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    int v = 0;
    if (!parsePositiveInt(item, &v)) {
      throw Error(flag + ": '" + item + "' is not a positive integer", ErrorCode::BadArgument);
    }
    values.push_back(v);
  }
  if (values.empty()) throw Error(flag + ": empty list", ErrorCode::BadArgument);
  return values;
}

}  // namespace vkc::app
