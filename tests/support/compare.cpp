#include "support/compare.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace vkc::test {

TensorError compareTensors(const double* want, const float* got, size_t count) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  TensorError e;
  e.count = count;
  double sumSquares = 0;
  for (size_t i = 0; i < count; ++i) {
    const double w = want[i];
    const double g = got[i];
    if (!std::isfinite(w) || !std::isfinite(g)) {
      if (e.nonFinite++ == 0) e.worst = i;
      continue;
    }
    e.maxReference = std::max(e.maxReference, std::fabs(w));
    const double d = std::fabs(g - w);
    sumSquares += d * d;
    if (d > e.maxError && e.nonFinite == 0) {
      e.maxError = d;
      e.worst = i;
    }
  }
  if (e.nonFinite > 0) {
    e.maxError = kInfinity;
    e.rmsError = kInfinity;
  } else if (count > 0) {
    e.rmsError = std::sqrt(sumSquares / double(count));
  }
  return e;
}

TensorError compareTensors(const std::vector<double>& want, const std::vector<float>& got) {
  if (want.size() != got.size()) {
    throw std::invalid_argument("compareTensors: " + std::to_string(got.size()) +
                                " values against a reference of " + std::to_string(want.size()));
  }
  return compareTensors(want.data(), got.data(), want.size());
}

TensorError compareTensors(const std::vector<float>& want, const std::vector<float>& got) {
  return compareTensors(std::vector<double>(want.begin(), want.end()), got);
}

std::string describe(const TensorError& error) {
  std::ostringstream out;
  out << "max |err| " << error.maxError << " (at " << error.worst << ") of max |ref| "
      << error.maxReference << ", rms " << error.rmsError;
  if (error.nonFinite > 0) out << ", " << error.nonFinite << " non-finite values";
  return out.str();
}

testing::AssertionResult withinAbsolute(const TensorError& error, double bound) {
  if (error.count > 0 && error.maxError <= bound) return testing::AssertionSuccess();
  return testing::AssertionFailure() << describe(error) << " exceeds the bound " << bound;
}

testing::AssertionResult withinRelative(const TensorError& error, double relativeBound) {
  const double bound = relativeBound * error.maxReference;
  if (error.count > 0 && error.maxReference > 0 && error.maxError <= bound) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure()
         << describe(error) << " exceeds the bound " << relativeBound << " x max |ref| = " << bound;
}

}  // namespace vkc::test
