#include "common/eval_data.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "vkception/data.hpp"
#include "vkception/error.hpp"

namespace fs = std::filesystem;

namespace vkc::app {

Image EvalSet::image(size_t i) const {
  if (!paths.empty()) return loadImage(paths[i], decode);
  Image out;
  out.width = width;
  out.height = height;
  const size_t plane = size_t(width) * height;
  const uint8_t* gray = idx.data.data() + i * plane;
  out.rgb.resize(plane * 3);
  for (size_t p = 0; p < plane; ++p) {
    out.rgb[p * 3] = out.rgb[p * 3 + 1] = out.rgb[p * 3 + 2] = gray[p];
  }
  return out;
}

std::string EvalSet::name(size_t i) const {
  return paths.empty() ? source + "[" + std::to_string(i) + "]" : paths[i];
}

EvalSet loadIdxSet(const std::string& imagesPath, const std::string& labelsPath) {
  EvalSet set;
  set.source = imagesPath;
  set.idx = readIdx(imagesPath);
  const auto& d = set.idx.dims;
  if (d.size() != 3) {
    throw Error(imagesPath + ": expected IDX images of rank 3 (N x H x W), got rank " +
                std::to_string(d.size()));
  }
  IdxArray labels = readIdx(labelsPath);
  if (labels.dims.size() != 1) {
    throw Error(labelsPath + ": expected IDX labels of rank 1 (N), got rank " +
                std::to_string(labels.dims.size()));
  }
  if (labels.dims[0] != d[0]) {
    throw Error(labelsPath + ": " + std::to_string(labels.dims[0]) + " labels, but " + imagesPath +
                " holds " + std::to_string(d[0]) + " images");
  }
  set.height = static_cast<int>(d[1]);
  set.width = static_cast<int>(d[2]);
  set.labels.assign(labels.data.begin(), labels.data.end());
  return set;
}

ImageFolder scanImageFolder(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw Error(root + (fs::exists(root, ec) ? ": not a directory" : ": no such directory"));
  }
  ImageFolder folder;
  folder.root = root;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (e.is_directory()) dirs.push_back(e.path());
  }
  if (ec) throw Error(root + ": cannot list: " + ec.message());
  std::sort(dirs.begin(), dirs.end());
  size_t total = 0;
  for (const auto& dir : dirs) {
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      if (hasImageExtension(it->path().string()) ||
          !imageFormatOfFile(it->path().string()).empty()) {
        files.push_back(it->path().string());
      } else {
        folder.skipped.push_back(it->path().lexically_relative(root).string());
      }
    }
    if (ec) throw Error(dir.string() + ": cannot list: " + ec.message());
    std::sort(files.begin(), files.end());
    total += files.size();
    folder.classes.push_back(dir.filename().string());
    folder.files.push_back(std::move(files));
  }
  if (dirs.empty()) throw Error(root + ": no class folders (expected ROOT/<class>/<image>)");
  if (total == 0) throw Error(root + ": no images in the class folders");
  std::sort(folder.skipped.begin(), folder.skipped.end());
  return folder;
}

EvalSet toEvalSet(const ImageFolder& folder, const std::vector<std::string>& labels,
                  const std::string& labelsPath) {
  // An exact match beats a '_' spelling; among equal lines the first wins.
  std::map<std::string, int> byName;
  for (int c = static_cast<int>(labels.size()) - 1; c >= 0; --c) {
    std::string folderName = labels[c];
    std::replace(folderName.begin(), folderName.end(), '/', '_');
    byName[folderName] = c;
  }
  for (int c = static_cast<int>(labels.size()) - 1; c >= 0; --c)
    byName[labels[c]] = c;
  EvalSet set;
  set.source = folder.root;
  for (size_t k = 0; k < folder.classes.size(); ++k) {
    auto it = byName.find(folder.classes[k]);
    if (it == byName.end()) {
      throw Error(folder.root + "/" + folder.classes[k] + ": class folder '" + folder.classes[k] +
                  "' is not a line of the label file " + labelsPath +
                  " (folder names must equal a label, e.g. '" + labels.front() + "')");
    }
    for (const auto& f : folder.files[k]) {
      set.paths.push_back(f);
      set.labels.push_back(it->second);
    }
  }
  return set;
}

}  // namespace vkc::app
