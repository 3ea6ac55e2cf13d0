#include "io/image.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "vkception/error.hpp"

namespace vkc::io {
namespace {

constexpr int kWeightBits = 22;  // fixed-point precision of PIL's 8-bit resampler

void checkImage(const Image& in, const char* what) {
  if (in.width <= 0 || in.height <= 0 || in.width > kMaxImageSide || in.height > kMaxImageSide ||
      in.rgb.size() != static_cast<size_t>(in.width) * in.height * 3) {
    throw Error(std::string(what) + ": invalid input image " + std::to_string(in.width) + "x" +
                    std::to_string(in.height) + " with " + std::to_string(in.rgb.size()) + " bytes",
                ErrorCode::BadArgument);
  }
}

void checkSize(int width, int height, const char* what) {
  if (width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide) {
    throw Error(std::string(what) + ": invalid output size " + std::to_string(width) + "x" +
                    std::to_string(height),
                ErrorCode::BadArgument);
  }
}

Image blank(int width, int height) {
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.assign(static_cast<size_t>(width) * height * 3, 0);
  return out;
}

// PIL's filters (Resample.c): a kernel and its support in input pixels at scale 1.
struct Filter {
  double (*weight)(double x);
  double support;
};

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

double cubic(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
  return 0.0;
}

constexpr Filter kBilinear{triangle, 1.0};
constexpr Filter kBicubic{cubic, 2.0};

// The input pixels and fixed-point weights that make one output pixel along one axis.
struct Taps {
  int first = 0;
  std::vector<int32_t> weights;
};

// PIL's precompute_coeffs and normalize_coeffs_8bpc: the kernel centred on the output pixel's
// centre in input coordinates, widened by the scale factor when shrinking, cut at the image
// edges, normalised to sum 1 in double, then rounded half away from zero to kWeightBits.
std::vector<Taps> filterTaps(int inSize, int outSize, const Filter& filter) {
  const double scale = static_cast<double>(inSize) / outSize;
  const double filterScale = std::max(scale, 1.0);
  const double support = filter.support * filterScale;
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
      w.push_back(filter.weight((x - center + 0.5) * invFilterScale));
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

// PIL's clip8: the 32-bit accumulator (which starts at half a unit) shifted back to uint8.
uint8_t fixedToByte(int32_t acc) {
  if (acc <= 0) return 0;
  return static_cast<uint8_t>(std::min(acc >> kWeightBits, 255));
}

// One separable pass along x: every row keeps its height. 32-bit accumulators as PIL's.
Image horizontalPass(const Image& in, int width, const Filter& filter) {
  Image out = blank(width, in.height);
  const std::vector<Taps> taps = filterTaps(in.width, width, filter);
  const size_t inRow = static_cast<size_t>(in.width) * 3;
  for (int y = 0; y < in.height; ++y) {
    const uint8_t* row = &in.rgb[y * inRow];
    uint8_t* dst = &out.rgb[static_cast<size_t>(y) * width * 3];
    for (int x = 0; x < width; ++x) {
      const Taps& t = taps[x];
      const uint8_t* src = row + static_cast<size_t>(t.first) * 3;
      int32_t r = 1 << (kWeightBits - 1), g = r, b = r;
      for (size_t k = 0; k < t.weights.size(); ++k, src += 3) {
        r += src[0] * t.weights[k];
        g += src[1] * t.weights[k];
        b += src[2] * t.weights[k];
      }
      dst[x * 3] = fixedToByte(r);
      dst[x * 3 + 1] = fixedToByte(g);
      dst[x * 3 + 2] = fixedToByte(b);
    }
  }
  return out;
}

// One separable pass along y: every column keeps its width.
Image verticalPass(const Image& in, int height, const Filter& filter) {
  Image out = blank(in.width, height);
  const std::vector<Taps> taps = filterTaps(in.height, height, filter);
  const size_t row = static_cast<size_t>(in.width) * 3;
  std::vector<int32_t> acc(row);
  for (int y = 0; y < height; ++y) {
    const Taps& t = taps[y];
    std::fill(acc.begin(), acc.end(), 1 << (kWeightBits - 1));
    for (size_t k = 0; k < t.weights.size(); ++k) {
      const uint8_t* src = &in.rgb[(t.first + k) * row];
      const int32_t w = t.weights[k];
      for (size_t i = 0; i < row; ++i)
        acc[i] += src[i] * w;
    }
    uint8_t* dst = &out.rgb[y * row];
    for (size_t i = 0; i < row; ++i)
      dst[i] = fixedToByte(acc[i]);
  }
  return out;
}

// PIL's ImagingResample: horizontal pass first, rounded to uint8, then vertical; an axis whose
// size is unchanged is not resampled.
Image resample(const Image& in, int width, int height, const Filter& filter, const char* what) {
  checkImage(in, what);
  checkSize(width, height, what);
  if (width == in.width) return height == in.height ? in : verticalPass(in, height, filter);
  Image out = horizontalPass(in, width, filter);
  return height == in.height ? out : verticalPass(out, height, filter);
}

// Python's round(d / 2) for d >= 0: halves go to the even neighbour.
int halfRoundedToEven(int d) {
  return d / 2 + (d % 4 == 3 ? 1 : 0);
}

}  // namespace

Image resizeBicubic(const Image& in, int width, int height) {
  return resample(in, width, height, kBicubic, "resizeBicubic");
}

Image resizeBilinear(const Image& in, int width, int height) {
  return resample(in, width, height, kBilinear, "resizeBilinear");
}

Image resizeShorterSide(const Image& in, int shorter, bool bicubic) {
  checkImage(in, "resizeShorterSide");
  checkSize(shorter, shorter, "resizeShorterSide");
  const auto [width, height] = shorterSideSize(in.width, in.height, shorter);
  return bicubic ? resizeBicubic(in, width, height) : resizeBilinear(in, width, height);
}

std::pair<int, int> shorterSideSize(int width, int height, int shorter) {
  const bool wide = width > height;
  const int shortIn = wide ? height : width;
  const int longIn = wide ? width : height;
  // Python's int(shorter * long / short): exact product, correctly rounded division, truncation.
  const int longOut = static_cast<int>(static_cast<double>(int64_t{shorter} * longIn) / shortIn);
  return wide ? std::pair{longOut, shorter} : std::pair{shorter, longOut};
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
