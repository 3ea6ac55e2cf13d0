#pragma once
// The one comparison of a computed tensor against its reference, used by every logits and tensor
// check of the suite. Any non-finite value (NaN, ±inf) on either side is an infinite error:
// `std::max(err, |NaN - x|)` keeps `err`, so a hand-written max-error loop reads an all-NaN
// output as error 0.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace vkc::test {

struct TensorError {
  double maxError = 0;      // max |got - want|; +inf when any value is non-finite
  double maxReference = 0;  // max |want| over the finite reference values
  double rmsError = 0;      // sqrt(mean (got - want)^2); +inf when any value is non-finite
  size_t worst = 0;         // index of the largest error (the first non-finite value)
  size_t nonFinite = 0;     // how many of got and want are NaN or infinite
  size_t count = 0;
};

TensorError compareTensors(const double* want, const float* got, size_t count);
TensorError compareTensors(const std::vector<double>& want, const std::vector<float>& got);
TensorError compareTensors(const std::vector<float>& want, const std::vector<float>& got);

// Passes iff maxError <= relativeBound * maxReference (so never with a non-finite value, and never
// with a zero reference, which no network output is); the message names the worst element.
testing::AssertionResult withinRelative(const TensorError& error, double relativeBound);
// Passes iff maxError <= bound.
testing::AssertionResult withinAbsolute(const TensorError& error, double bound);

// "max |err| 1.2e-05 (at 1031) of max |ref| 96.2, rms 3e-06" for the test's log line.
std::string describe(const TensorError& error);

}  // namespace vkc::test
