// fp16 networks (fp16 weights, activations and FMAs) vs. the same float64 goldens as
// test_golden.cpp, and vs. our own fp32 run of the same network.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "graph/program.hpp"
#include "io/detweights.hpp"
#include "models/models.hpp"
#include "support/golden.hpp"
#include "support/vulkan_env.hpp"

namespace vkc::test {
namespace {

std::set<int> top5(const std::vector<float>& logits, int sample, int classes) {
  std::vector<int> order(classes);
  std::iota(order.begin(), order.end(), 0);
  const float* row = logits.data() + size_t(sample) * classes;
  std::partial_sort(order.begin(), order.begin() + 5, order.end(),
                    [&](int a, int b) { return row[a] > row[b]; });
  return {order.begin(), order.begin() + 5};
}

std::vector<float> runNetwork(const models::Model& model, ops::Precision precision, int batch,
                              const std::vector<float>& input) {
  vk::Device& device = sharedDevice();
  graph::WeightStore store(device, model.graph, precision);
  graph::ProgramOptions options;
  options.precision = precision;
  graph::Program program(device, model.graph, store, batch, options);
  std::vector<float> logits(program.outputCount());
  program.run(input.data(), logits.data());
  return logits;
}

class GoldenFp16Test : public testing::TestWithParam<std::string> {};

TEST_P(GoldenFp16Test, LogitsMatchReferenceAndFp32) {
  const vk::DevicePolicy& policy = sharedDevice().policy();
  if (!policy.fp16) GTEST_SKIP() << "no fp16 on this device: " << policy.noFp16Reason;
  const std::string name = GetParam();
  const std::string dir = goldenDir(name);
  auto weights = goldenWeights(name);
  models::Model model = models::buildModel(name, *weights, models::ModelConfig{});
  const int batch = 2;
  auto input = io::detweightsInput({batch, 3, 299, 299});
  std::vector<float> half = runNetwork(model, ops::Precision::Fp16, batch, input);
  std::vector<float> single = runNetwork(model, ops::Precision::Fp32, batch, input);

  // Within kFp16LogitBound (support/golden.hpp says why).
  auto golden = readF64(dir + "/logits.f64");
  ASSERT_EQ(golden.size(), half.size());
  const TensorError error = compareTensors(golden, half);
  std::printf("[ golden fp16 ] %s: %s (%.2e of max|logit|)\n", name.c_str(),
              describe(error).c_str(), error.maxError / error.maxReference);
  EXPECT_TRUE(withinRelative(error, kFp16LogitBound));

  // Top-5 as sets: against the reference's, and against our fp32 run.
  auto meta = readJson(dir + "/meta.json");
  const int classes = static_cast<int>(golden.size()) / batch;
  for (int n = 0; n < batch; ++n) {
    std::vector<int> ref = meta["top5_fp64"][n];
    EXPECT_EQ(top5(half, n, classes), std::set<int>(ref.begin(), ref.end())) << "sample " << n;
    EXPECT_EQ(top5(half, n, classes), top5(single, n, classes)) << "sample " << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, GoldenFp16Test, testing::ValuesIn(models::modelNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vkc::test
