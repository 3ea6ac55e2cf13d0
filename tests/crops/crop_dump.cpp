// Prints vkc::cropBoxes as JSON and writes vkc::makeCrops' bytes, for the PIL and torchvision
// checks in this folder:
//   crop_dump IMAGE INPUT_SIZE bicubic|bilinear CROPS SQUARES OUT.bin [center|squash]
// (public API only; SQUARES 0 keeps the protocol's; CROPS 1 is the model's single crop, whose
// Preprocessing::cropMode the last argument sets: "center" by default).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "vkception/crops.hpp"

int main(int argc, char** argv) {
  if (argc != 7 && argc != 8) {
    std::fprintf(stderr,
                 "usage: crop_dump IMAGE INPUT_SIZE INTERPOLATION CROPS SQUARES OUT [CROP_MODE]\n");
    return 2;
  }
  try {
    const vkc::Image image = vkc::loadImage(argv[1]);
    vkc::Preprocessing pre;
    pre.inputSize = std::atoi(argv[2]);
    pre.interpolation = argv[3];
    if (argc == 8) {
      pre.cropMode = argv[7];
      if (pre.cropMode == "squash") pre.cropFraction = 1.0;
    }
    vkc::CropProtocol protocol = vkc::cropProtocol(std::atoi(argv[4]), pre.inputSize);
    if (std::atoi(argv[5]) != 0) protocol.squares = std::atoi(argv[5]);
    std::printf("[");
    const auto boxes = vkc::cropBoxes(image.width, image.height, pre.inputSize, protocol);
    for (size_t i = 0; i < boxes.size(); ++i) {
      const vkc::CropBox& b = boxes[i];
      std::printf("%s[%d,%d,%d,%d,%d,%d,%d,%d,%d,%d]", i ? "," : "", b.scale, b.scaledWidth,
                  b.scaledHeight, b.squareLeft, b.squareTop, b.left, b.top, b.size, int(b.whole),
                  int(b.mirror));
    }
    std::printf("]\n");
    const std::vector<uint8_t> crops = vkc::makeCrops(image, pre, protocol, argv[1]);
    std::FILE* out = std::fopen(argv[6], "wb");
    if (!out || std::fwrite(crops.data(), 1, crops.size(), out) != crops.size() ||
        std::fclose(out) != 0) {
      std::fprintf(stderr, "crop_dump: cannot write %s\n", argv[6]);
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crop_dump: %s\n", e.what());
    return 1;
  }
  return 0;
}
