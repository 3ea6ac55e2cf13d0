#pragma once
// The images named on a command line (or opened in vkc-view): files as given, folders searched
// recursively for image files (an image extension, vkc::hasImageExtension, or else image content,
// vkc::imageFormatOfFile), each folder's files sorted; the folders' other files are listed as
// skipped, never dropped in silence.
#include <string>
#include <vector>

#include "vkception/data.hpp"
#include "vkception/vkception.hpp"

namespace vkc::app {

// "skipped 3 files that are not images: a.txt, b.doc, c.xmp" (at most 5 names, then "…"), or ""
// when `skipped` is empty.
std::string describeSkipped(const std::vector<std::string>& skipped);

struct ImageInputs {
  std::vector<std::string> images;
  struct Problem {
    std::string input, reason;  // an input that gave no image: "no such file or directory", ...
    std::string message() const { return input + ": " + reason; }
  };
  std::vector<Problem> problems;
  // Files met in folders that are not images (notes.txt, a broken link, ...), as paths relative
  // to the folder given, sorted per folder. Not problems: nothing was asked of them.
  std::vector<std::string> skipped;
  std::string skippedSummary() const { return describeSkipped(skipped); }
};
ImageInputs collectImages(const std::vector<std::string>& inputs);

// How vkc-classify decodes an image for a network that preprocesses as `pre`: turned upright by
// its EXIF orientation if `exifRotate`; with `dctScaling`, a JPEG decoded at the smallest DCT
// scale that is still no smaller than what the resize starts from, so that it only ever shrinks:
// a shorter side of int(inputSize / cropFraction) for a centre crop, inputSize x inputSize when
// squashed. The antialiased resize then takes it to the input size.
DecodeOptions classifyDecodeOptions(const Preprocessing& pre, bool exifRotate, bool dctScaling);

}  // namespace vkc::app
