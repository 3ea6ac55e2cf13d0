#pragma once
// Multi-crop evaluation (Szegedy et al. 2014, "Going deeper with convolutions", section 7, as the
// Inception-v4 paper uses it): the image resized to several scales (shorter side), the left,
// centre and right squares of each (top, centre, bottom for a portrait image), from each square
// the 4 corner and the centre crops of the input size plus the whole square resized to it,
// and the mirror image of each. 144 crops = 4 scales x 3 squares x 6 x 2.
#include <cstdint>
#include <string>
#include <vector>

#include "vkception/data.hpp"
#include "vkception/vkception.hpp"

namespace vkc {

struct CropProtocol {
  // Shorter side of each scale; empty: the model's own single crop (Network::preprocess).
  std::vector<int> scales;
  int squares = 3;            // 3 (left/top, centre, right/bottom) or 1 (centre)
  bool mirror = true;         // each crop also flipped left-right
  int cropsPerImage() const;  // scales x squares x 6 x (mirror ? 2 : 1), or 1
};

// The paper's readings for an input of `inputSize`: 1 (the model's own crop), 12 (one scale,
// shorter side floor(inputSize / 0.875), the centre square, 6 crops x 2 mirrors) or 144 (shorter
// sides round(inputSize x {256, 288, 320, 352} / 224): 256..352 for 224, 342, 384, 427, 470 for
// 299, 86, 96, 107, 118 for 75; 3 squares). Other counts throw vkc::Error (BadArgument).
CropProtocol cropProtocol(int crops, int inputSize);

// One crop: where it lies in the image resized so that its shorter side is `scale`.
struct CropBox {
  int scale = 0;                          // the shorter side the image was resized to
  int scaledWidth = 0, scaledHeight = 0;  // that resized image (the other side truncated)
  int squareLeft = 0, squareTop = 0;      // the square (side `scale`) inside it
  int left = 0, top = 0, size = 0;        // the crop inside the resized image; for `whole`, the
  bool whole = false;                     // square itself, resized to the input size
  bool mirror = false;
};
// Order: scale, then square (left/top, centre, right/bottom), then top-left, top-right,
// bottom-left, bottom-right, centre, whole, each unflipped then mirrored. Offsets of centred
// squares and crops are floor((outer - inner) / 2). Throws if a scale is below `inputSize`.
std::vector<CropBox> cropBoxes(int width, int height, int inputSize, const CropProtocol& protocol);

// Every crop of `image` as input-size x input-size x 3 bytes, one after the other (runImages'
// layout), resized with `pre`'s interpolation; with no scales, preprocessImage's single crop.
std::vector<uint8_t> makeCrops(const Image& image, const Preprocessing& pre,
                               const CropProtocol& protocol, const std::string& source = "image");

}  // namespace vkc
