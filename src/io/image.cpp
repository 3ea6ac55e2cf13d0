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
