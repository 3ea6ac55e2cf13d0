#include "io/image.hpp"

// stb_image compiled here, static, with only the decoders of the formats we document: every
// other format is refused by its signature before stb sees it, and the decoders we ship are
// built with our flags (sanitizers, fuzzers) instead of coming prebuilt from libstb.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#include <stb_image.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include "vkception/error.hpp"

namespace vkc::io {
namespace {

constexpr int kMaxSide = 16384;
constexpr size_t kMaxImageFileBytes = size_t{256} << 20;
constexpr int kWeightBits = 22;  // fixed-point precision of PIL's 8-bit resampler

void checkImage(const Image& in, const char* what) {
  if (in.width <= 0 || in.height <= 0 || in.width > kMaxSide || in.height > kMaxSide ||
      in.rgb.size() != static_cast<size_t>(in.width) * in.height * 3) {
    throw Error(std::string(what) + ": invalid input image " + std::to_string(in.width) + "x" +
                std::to_string(in.height) + " with " + std::to_string(in.rgb.size()) + " bytes", ErrorCode::BadArgument);
  }
}

void checkSize(int width, int height, const char* what) {
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide) {
    throw Error(std::string(what) + ": invalid output size " + std::to_string(width) + "x" +
                std::to_string(height), ErrorCode::BadArgument);
  }
}

Image blank(int width, int height) {
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.assign(static_cast<size_t>(width) * height * 3, 0);
  return out;
}

double cubic(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
  return 0.0;
}

// The input pixels and fixed-point weights that make one output pixel along one axis.
struct Taps {
  int first = 0;
  std::vector<int32_t> weights;
};

std::vector<Taps> cubicTaps(int inSize, int outSize) {
  const double scale = static_cast<double>(inSize) / outSize;
  const double filterScale = std::max(scale, 1.0);  // widen the kernel when shrinking
  const double support = 2.0 * filterScale;
  const double invFilterScale = 1.0 / filterScale;
  std::vector<Taps> taps(outSize);
  std::vector<double> w;
  for (int i = 0; i < outSize; ++i) {
    const double center = (i + 0.5) * scale;
    const int lo = std::max(static_cast<int>(center - support + 0.5), 0);
    const int hi = std::min(static_cast<int>(center + support + 0.5), inSize);
    w.clear();
    double sum = 0.0;
    for (int x = lo; x < hi; ++x) {
      w.push_back(cubic((x - center + 0.5) * invFilterScale));
      sum += w.back();
    }
    taps[i].first = lo;
    for (double v : w) {
      const double scaled = (sum != 0.0 ? v / sum : v) * (1 << kWeightBits);
      taps[i].weights.push_back(static_cast<int32_t>(scaled < 0 ? scaled - 0.5 : scaled + 0.5));
    }
  }
  return taps;
}

uint8_t fixedToByte(int64_t acc) {
  if (acc < 0) return 0;
  return static_cast<uint8_t>(std::min<int64_t>(acc >> kWeightBits, 255));
}

// One separable pass along x (horizontal) or y; the other axis keeps its size.
Image cubicPass(const Image& in, int width, int height, bool horizontal) {
  Image out = blank(width, height);
  const std::vector<Taps> taps =
      horizontal ? cubicTaps(in.width, width) : cubicTaps(in.height, height);
  const size_t inRow = static_cast<size_t>(in.width) * 3;
  const size_t outRow = static_cast<size_t>(width) * 3;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const Taps& t = horizontal ? taps[x] : taps[y];
      for (int c = 0; c < 3; ++c) {
        int64_t acc = int64_t{1} << (kWeightBits - 1);  // rounds the final shift
        for (size_t k = 0; k < t.weights.size(); ++k) {
          const size_t src = horizontal ? y * inRow + (t.first + k) * 3 + c
                                        : (t.first + k) * inRow + static_cast<size_t>(x) * 3 + c;
          acc += static_cast<int64_t>(in.rgb[src]) * t.weights[k];
        }
        out.rgb[y * outRow + static_cast<size_t>(x) * 3 + c] = fixedToByte(acc);
      }
    }
  }
  return out;
}

// torch's source coordinate for align_corners=False, computed in float as torch does.
void linearSource(int dst, int inSize, int outSize, int* i0, int* i1, float* frac) {
  const float scale = static_cast<float>(inSize) / static_cast<float>(outSize);
  const float src = std::max(scale * (static_cast<float>(dst) + 0.5f) - 0.5f, 0.0f);
  *i0 = std::min(static_cast<int>(src), inSize - 1);
  *i1 = std::min(*i0 + 1, inSize - 1);
  *frac = src - static_cast<float>(*i0);
}

// Python's round(d / 2) for d >= 0: halves go to the even neighbour.
int halfRoundedToEven(int d) {
  return d / 2 + (d % 4 == 3 ? 1 : 0);
}

}  // namespace

bool hasImageExtension(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "bmp";
}

const char* imageFormatOf(const uint8_t* data, size_t size) {
  auto starts = [&](const char* magic, size_t n) {
    return size >= n && std::memcmp(data, magic, n) == 0;
  };
  if (starts("\x89PNG\r\n\x1a\n", 8)) return "PNG";
  if (starts("\xff\xd8\xff", 3)) return "JPEG";
  if (starts("BM", 2)) return "BMP";
  return nullptr;
}

Image decodeImage(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  auto fail = [&](const std::string& what) -> Error {
    return Error(name + ": " + what, ErrorCode::BadInputFile);
  };
  if (imageFormatOf(data, size) == nullptr) {
    const char* other = size >= 4 && std::memcmp(data, "GIF8", 4) == 0   ? "GIF"
                        : size >= 4 && std::memcmp(data, "RIFF", 4) == 0 ? "RIFF/WebP"
                        : size >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7' ? "PNM"
                                                                                          : nullptr;
    throw fail(std::string(other ? other + std::string(" images are") : "this is") +
               " not a supported image format (" + kSupportedImageFormats + ")");
  }
  if (size > static_cast<size_t>(std::numeric_limits<int>::max())) throw fail("file too large");
  auto reason = [] {
    const char* r = stbi_failure_reason();
    return std::string(r != nullptr ? r : "unknown error");
  };
  const int bytes = static_cast<int>(size);
  // Check the size before decoding so that a hostile header cannot force a huge allocation.
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_memory(data, bytes, &width, &height, &channels)) {
    throw fail("cannot decode " + std::string(imageFormatOf(data, size)) + " image: " + reason());
  }
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide ||
      static_cast<size_t>(width) * height > maxPixels) {
    throw fail("image size " + std::to_string(width) + "x" + std::to_string(height) +
               " is over the limit of " + std::to_string(kMaxSide) + " px per side and " +
               std::to_string(maxPixels) + " pixels");
  }
  std::unique_ptr<uint8_t, void (*)(void*)> pixels(
      stbi_load_from_memory(data, bytes, &width, &height, &channels, 3), stbi_image_free);
  if (!pixels) {
    throw fail("cannot decode " + std::string(imageFormatOf(data, size)) + " image: " + reason());
  }
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.assign(pixels.get(), pixels.get() + static_cast<size_t>(width) * height * 3);
  return out;
}

Image loadImage(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) throw Error(path + ": cannot open: " + std::strerror(errno), ErrorCode::BadInputFile);
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) {
    if (bytes.size() + got > kMaxImageFileBytes) {
      throw Error(path + ": image file is over " + std::to_string(kMaxImageFileBytes >> 20) +
                      " MiB",
                  ErrorCode::BadInputFile);
    }
    bytes.insert(bytes.end(), chunk, chunk + got);
  }
  if (std::ferror(file.get())) {
    throw Error(path + ": read error: " + std::strerror(errno), ErrorCode::BadInputFile);
  }
  return decodeImage(bytes.data(), bytes.size(), path);
}

Image resizeBicubic(const Image& in, int width, int height) {
  checkImage(in, "resizeBicubic");
  checkSize(width, height, "resizeBicubic");
  // Like PIL: horizontal first, and an axis whose size is unchanged is not resampled.
  Image out = in;
  if (width != in.width) out = cubicPass(out, width, in.height, true);
  if (height != in.height) out = cubicPass(out, width, height, false);
  return out;
}

Image resizeBilinear(const Image& in, int width, int height) {
  checkImage(in, "resizeBilinear");
  checkSize(width, height, "resizeBilinear");
  Image out = blank(width, height);
  const size_t inRow = static_cast<size_t>(in.width) * 3;
  for (int y = 0; y < height; ++y) {
    int y0, y1;
    float fy;
    linearSource(y, in.height, height, &y0, &y1, &fy);
    for (int x = 0; x < width; ++x) {
      int x0, x1;
      float fx;
      linearSource(x, in.width, width, &x0, &x1, &fx);
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int yy, int xx) {
          return static_cast<float>(in.rgb[yy * inRow + static_cast<size_t>(xx) * 3 + c]);
        };
        const float top = (1.0f - fx) * at(y0, x0) + fx * at(y0, x1);
        const float bottom = (1.0f - fx) * at(y1, x0) + fx * at(y1, x1);
        const float v = std::nearbyint((1.0f - fy) * top + fy * bottom);
        out.rgb[(static_cast<size_t>(y) * width + x) * 3 + c] =
            static_cast<uint8_t>(std::clamp(v, 0.0f, 255.0f));
      }
    }
  }
  return out;
}

Image resizeShorterSide(const Image& in, int shorter, bool bicubic) {
  checkImage(in, "resizeShorterSide");
  checkSize(shorter, shorter, "resizeShorterSide");
  const bool wide = in.width > in.height;
  const int shortIn = wide ? in.height : in.width;
  const int longIn = wide ? in.width : in.height;
  // Python's int(shorter * long / short): exact product, correctly rounded division, truncation.
  const int longOut = static_cast<int>(static_cast<double>(int64_t{shorter} * longIn) / shortIn);
  const int width = wide ? longOut : shorter;
  const int height = wide ? shorter : longOut;
  return bicubic ? resizeBicubic(in, width, height) : resizeBilinear(in, width, height);
}

Image centerCrop(const Image& in, int width, int height) {
  checkImage(in, "centerCrop");
  checkSize(width, height, "centerCrop");
  // A negative offset is torchvision's zero padding of a too-small image.
  const int top =
      in.height >= height ? halfRoundedToEven(in.height - height) : -((height - in.height) / 2);
  const int left =
      in.width >= width ? halfRoundedToEven(in.width - width) : -((width - in.width) / 2);
  Image out = blank(width, height);
  for (int y = 0; y < height; ++y) {
    const int sy = y + top;
    if (sy < 0 || sy >= in.height) continue;
    for (int x = 0; x < width; ++x) {
      const int sx = x + left;
      if (sx < 0 || sx >= in.width) continue;
      std::memcpy(&out.rgb[(static_cast<size_t>(y) * width + x) * 3],
                  &in.rgb[(static_cast<size_t>(sy) * in.width + sx) * 3], 3);
    }
  }
  return out;
}

}  // namespace vkc::io
