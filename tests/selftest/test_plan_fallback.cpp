// The plan obeys the self-test's verdicts (DevicePolicy::verdicts): a route whose every build
// failed gives way to the next family with a correct one, and a network planned that way still
// matches its fp64 goldens.
#include <gtest/gtest.h>

#include "graph/program.hpp"
#include "io/detweights.hpp"
#include "models/models.hpp"
#include "ops/conv2d.hpp"
#include "ops/conv_plan.hpp"
#include "support/compare.hpp"
#include "support/golden.hpp"
#include "support/vulkan_env.hpp"

namespace vkc::test {
namespace {

// Every read path's build of `shader` failed in `verdicts`.
void failAllBuilds(vk::KernelVerdicts& verdicts, const char* shader) {
  for (ops::ReadPath path :
       {ops::ReadPath::UniformTexels, ops::ReadPath::StorageTexels, ops::ReadPath::StorageBuffers})
    verdicts.fail(ops::shaderFor(shader, ops::Precision::Fp32, path), "made up by the test");
}

ops::ConvShape shape(int k, int batch = 1) {
  ops::ConvShape s;
  s.batch = batch;
  s.inC = 64;
  s.inH = s.inW = s.outH = s.outW = 17;
  s.outC = 96;
  s.geometry = ops::sameGeometry(k, k, 1, 17, 17);
  return s;
}

// A policy of lavapipe's device with its own, fresh verdicts.
vk::DevicePolicy freshPolicy(vk::ConvKernel family) {
  vk::DevicePolicy policy = sharedDevice().policy();
  policy.verdicts = std::make_shared<vk::KernelVerdicts>();
  policy.convKernel = family;
  return policy;
}

TEST(PlanFallback, EachFamilyGivesWayToTheNextCorrectOne) {
  const vk::DeviceInfo& device = sharedDevice().info();
  vk::DevicePolicy blocked = freshPolicy(vk::ConvKernel::Blocked);
  EXPECT_EQ(ops::planConv(shape(3), device, blocked).route, ops::ConvRoute::Segments);
  failAllBuilds(*blocked.verdicts, "conv2d_segments");
  EXPECT_EQ(ops::planConv(shape(3), device, blocked).route, ops::ConvRoute::Regtile);
  failAllBuilds(*blocked.verdicts, "conv2d_regtile");
  EXPECT_EQ(ops::planConv(shape(3), device, blocked).route, ops::ConvRoute::Igemm);
  // 1x1: conv1x1, then regtile.
  EXPECT_EQ(ops::planConv(shape(1), device, blocked).route, ops::ConvRoute::Pointwise);
  failAllBuilds(*blocked.verdicts, "conv1x1");
  EXPECT_EQ(ops::planConv(shape(1), device, blocked).route, ops::ConvRoute::Igemm);

  vk::DevicePolicy igemm = freshPolicy(vk::ConvKernel::Igemm);
  igemm.convSplitK = 3;
  EXPECT_EQ(ops::planConv(shape(3), device, igemm).splitK, 3);
  igemm.verdicts->fail("conv2d_igemm_reduce", "made up");  // no split without its reduce
  EXPECT_EQ(ops::planConv(shape(3), device, igemm).route, ops::ConvRoute::Igemm);
  EXPECT_EQ(ops::planConv(shape(3), device, igemm).splitK, 1);
  igemm.verdicts->fail("conv2d_igemm", "made up");
  EXPECT_EQ(ops::planConv(shape(3), device, igemm).route, ops::ConvRoute::Regtile);
}

TEST(PlanFallback, NothingLeftKeepsTheChosenRouteWhoseDispatchNamesTheBuilds) {
  const vk::DeviceInfo& device = sharedDevice().info();
  vk::DevicePolicy policy = freshPolicy(vk::ConvKernel::Blocked);
  for (const char* s : {"conv2d_segments", "conv2d_regtile", "conv1x1"})
    failAllBuilds(*policy.verdicts, s);
  policy.verdicts->fail("conv2d_igemm", "made up");
  EXPECT_EQ(ops::planConv(shape(3), device, policy).route, ops::ConvRoute::Segments);
}

// inception_v4 at 75x75 with every line-segment build failed: its 3x3, 1x7 and 7x1 layers run
// the register tiles instead, and the logits still match the upstream fp64 ones.
TEST(PlanFallback, NetworkOnTheFallbackMatchesItsGoldens) {
  vk::Device& device = sharedDevice();
  failAllBuilds(*device.policy().verdicts, "conv2d_segments");
  auto weights = io::makeDetWeights();
  models::ModelConfig config;
  config.inputSize = 75;
  const models::Model model = models::buildModel("inception_v4", *weights, config);
  graph::WeightStore store(device, model.graph);
  const int batch = 2;
  graph::Program program(device, model.graph, store, batch);
  const std::vector<float> input = io::detweightsInput({batch, 3, 75, 75});
  std::vector<float> logits(program.outputCount());
  int regtile = 0, segments = 0;
  for (size_t node = 0; node < model.graph.nodes.size(); ++node) {
    const ops::ConvPlan* plan = program.convPlan(int(node));
    regtile += plan && plan->route == ops::ConvRoute::Regtile;
    segments += plan && plan->route == ops::ConvRoute::Segments;
  }
  EXPECT_GT(regtile, 0);
  EXPECT_EQ(segments, 0);
  program.run(input.data(), logits.data());
  // The shared device is used by later tests: its verdicts go back to none.
  device.policy().verdicts->clear();
  const TensorError error =
      compareTensors(readF64(goldenDir("inception_v4") + "/logits75.f64"), logits);
  EXPECT_TRUE(withinRelative(error, kFp32LogitBound)) << describe(error);
}

}  // namespace
}  // namespace vkc::test
