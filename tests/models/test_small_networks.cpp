// The four networks at their smallest input, 75x75 (the valid-padding chain 75 -> 37 -> 35 ->
// 17 -> 15 -> 7 -> 3 -> 1), against the CPU graph runner in double precision: the golden
// networks' code paths at a size that also runs under the sanitizers, where the 299x299 goldens
// are too slow (README, "Reliability"). Built from detweights like the goldens,
// Winograd-lowered as the library runs them, batch 2.
#include <gtest/gtest.h>

#include <cmath>

#include "graph/program.hpp"
#include "graph/winograd_lowering.hpp"
#include "io/detweights.hpp"
#include "models/models.hpp"
#include "support/cpu_graph.hpp"
#include "support/gpu_runner.hpp"
#include "support/vulkan_env.hpp"

namespace vkc::test {
namespace {

class SmallNetworkTest : public testing::TestWithParam<std::string> {};

TEST_P(SmallNetworkTest, LogitsMatchCpuReference) {
  const std::string& name = GetParam();
  auto weights = io::makeDetWeights();
  models::ModelConfig config;
  config.inputSize = 75;
  const models::Model model = models::buildModel(name, *weights, config);
  graph::Graph lowered = model.graph;
  EXPECT_GT(graph::lowerToWinograd(lowered), 0);
  const int batch = 2;
  vk::Device& device = sharedDevice();
  graph::WeightStore store(device, lowered);
  graph::Program program(device, lowered, store, batch);
  const std::vector<float> input = io::detweightsInput({batch, 3, 75, 75});
  std::vector<float> logits(program.outputCount());
  program.run(input.data(), logits.data());
  const std::vector<double> want = runGraphOnCpu(model.graph, input, batch)[model.graph.output];
  ASSERT_EQ(want.size(), logits.size());
  double err = 0;
  for (size_t i = 0; i < want.size(); ++i)
    err = std::max(err, std::fabs(logits[i] - want[i]));
  // The goldens' bound, 1e-4 of the largest logit: fp32 accumulation and Winograd's rounding
  // stay ~1e-6 relative (README, Correctness); a wrong op, padding or tile moves logits by O(1).
  std::printf("[ small network ] %s at 75: max |err| %.3g of max |logit| %.3g\n", name.c_str(), err,
              maxAbs(want));
  EXPECT_LE(err, 1e-4 * maxAbs(want));
}

INSTANTIATE_TEST_SUITE_P(Models, SmallNetworkTest,
                         testing::Values("inception_v4", "inception_resnet_v2",
                                         "inception_resnet_v1", "inception_v3"));

}  // namespace
}  // namespace vkc::test
