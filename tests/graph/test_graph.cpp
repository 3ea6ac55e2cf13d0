// Graph IR, memory planner, level scheduler and program: a miniature Inception network with
// parallel branches, nested concats, a concat copy, residual joins and a reduction block runs
// on the GPU (aliasing on, synchronization validation on) and matches the CPU graph runner.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "graph/builder.hpp"
#include "graph/program.hpp"
#include "graph/winograd_lowering.hpp"
#include "support/compare.hpp"
#include "support/cpu_graph.hpp"
#include "support/gpu_runner.hpp"
#include "support/vulkan_env.hpp"
#include "vkception/error.hpp"

namespace vkc::test {
namespace {

using graph::ConvSpec;
using graph::GraphBuilder;
using graph::Padding;

uint32_t seedCounter = 100;

int addConv(GraphBuilder& b, const std::string& name, int x, int outC, int kh, int kw,
            int stride = 1, Padding pad = Padding::Same) {
  int inC = b.tensor(x).channels;
  float s = 1.0f / std::sqrt(float(inC * kh * kw));
  auto weights = randomVector(size_t(outC) * inC * kh * kw, seedCounter++, -s, s);
  auto bias = randomVector(outC, seedCounter++, -0.1f, 0.1f);
  return b.conv(name, x, {outC, kh, kw, stride, pad, ops::Activation::Relu}, std::move(weights),
                std::move(bias));
}

struct MiniNet {
  graph::Graph graph;
  std::vector<int> branchHeads;  // first node of each branch of the first block
};

// odd=true uses channel counts like 5 and 7, whose concat slices do not start at a 16-byte
// boundary: the binding then starts earlier and siblings must be ordered (the fallback path).
// odd=false uses multiples of 4 like the real networks, where siblings are independent.
MiniNet buildMiniInception(bool odd = true) {
  auto ch = [odd](int c) { return odd ? c : (c + 3) / 4 * 4; };
  GraphBuilder b;
  MiniNet net;
  int x = b.input(odd ? 3 : 4, 19, 19);
  int copied =
      b.concat("input_concat", {x, addConv(b, "side", x, ch(2), 1, 1)});   // input is copied
  int stem = addConv(b, "stem", copied, ch(12), 3, 3, 1, Padding::Valid);  // 17x17
  for (int block = 0; block < 2; ++block) {
    std::string p = "block" + std::to_string(block);
    int b0 = addConv(b, p + ".b0", stem, ch(5), 1, 1);
    int b1a = addConv(b, p + ".b1.0", stem, ch(4), 1, 1);
    int b1b = addConv(b, p + ".b1.1", b1a, ch(6), 1, 7);
    int b1c = addConv(b, p + ".b1.2", b1b, ch(7), 7, 1);
    int b2a = b.avgPool(p + ".b2.pool", stem, 3, 1, 1, false);
    int b2 = addConv(b, p + ".b2.1", b2a, ch(3), 1, 1);
    int b3 = b.maxPool(p + ".b3.pool", stem, 3, 1, 1);
    // Nested concat: like Inception-C's [1x3 | 3x1] pair inside the block concat.
    int n0 = addConv(b, p + ".b4.a", b0, ch(2), 1, 3);
    int n1 = addConv(b, p + ".b4.b", b0, ch(3), 3, 1);
    int nested = b.concat(p + ".b4", {n0, n1});
    int cat = b.concat(p + ".cat", {b0, b1c, b2, b3, nested});
    if (block == 0) {
      for (int t : {b0, b1a, b2a, b3})
        net.branchHeads.push_back(b.tensor(t).producer);
    }
    int catC = b.tensor(cat).channels, outC = b.tensor(stem).channels;
    auto up = randomVector(size_t(outC) * catC, seedCounter++, -0.2f, 0.2f);
    auto upBias = randomVector(outC, seedCounter++, -0.1f, 0.1f);
    stem = b.residualConv(p + ".up", cat, stem, 0.2f, ops::Activation::Relu, std::move(up),
                          std::move(upBias));
    b.markBoundary(p, stem);
  }
  int r0 = addConv(b, "red.b0", stem, 8, 3, 3, 2, Padding::Valid);
  int r1 = b.maxPool("red.pool", stem, 3, 2, 0);
  int red = b.concat("red", {r0, r1});
  int pooled = b.globalAvgPool("gap", red);
  int c = b.tensor(pooled).channels;
  int logits = b.linear("fc", pooled, 10, randomVector(size_t(10) * c, 77, -0.3f, 0.3f),
                        randomVector(10, 78, -0.1f, 0.1f));
  int probs = b.softmax("softmax", logits);
  net.graph = b.finish(probs);
  return net;
}

TEST(GraphProgram, MiniInceptionMatchesCpuWithAliasing) {
  vk::Device& device = sharedDevice();
  MiniNet net = buildMiniInception();
  const int batch = 3;
  graph::WeightStore weights(device, net.graph);
  graph::Program program(device, net.graph, weights, batch);
  EXPECT_LT(program.stats().arenaBytes, program.stats().naiveBytes);  // aliasing happened

  auto input = randomVector(program.inputCount(), 9);
  std::vector<float> output(program.outputCount());
  program.run(input.data(), output.data());
  auto ref = runGraphOnCpu(net.graph, input, batch);
  const auto& want = ref[net.graph.output];
  // The deepest path has 9 fp32 layers with at most K = 252 terms each; their worst-case
  // error sum is ~9 * 252 * 2^-24 = 1.4e-4 of the magnitudes involved. Softmax outputs are <= 1.
  const TensorError error = compareTensors(want, output);
  EXPECT_TRUE(withinAbsolute(error, 1.4e-4)) << "the softmax output";
  // Rows differ per sample, so a batch mix-up would show.
  const size_t row = want.size() / batch;
  for (int n = 1; n < batch; ++n) {
    const std::vector<double> first(want.begin(), want.begin() + row);
    const std::vector<float> other(output.begin() + n * row, output.begin() + (n + 1) * row);
    EXPECT_GT(compareTensors(first, other).maxError, 1e-3) << "sample " << n;
  }
  std::printf("[ graph ] %s, arena %llu B vs naive %llu B, %d levels, %d barriers\n",
              describe(error).c_str(), (unsigned long long)program.stats().arenaBytes,
              (unsigned long long)program.stats().naiveBytes, program.stats().levels,
              program.stats().barriers);
}

TEST(GraphProgram, TwoRunsInFlightKeepTheirOwnResults) {
  vk::Device& device = sharedDevice();
  MiniNet net = buildMiniInception();
  graph::WeightStore weights(device, net.graph);
  graph::Program program(device, net.graph, weights, 2, {2, false, true});
  auto a = randomVector(program.inputCount(), 21), b = randomVector(program.inputCount(), 22);
  int ticketA = program.submit(a.data());
  int ticketB = program.submit(b.data());  // runs while A may still be executing
  std::vector<float> outA(program.outputCount()), outB(program.outputCount());
  program.wait(ticketB, outB.data());
  program.wait(ticketA, outA.data());
  auto refA = runGraphOnCpu(net.graph, a, 2)[net.graph.output];
  auto refB = runGraphOnCpu(net.graph, b, 2)[net.graph.output];
  // The same bound as MiniInceptionMatchesCpuWithAliasing.
  EXPECT_TRUE(withinAbsolute(compareTensors(refA, outA), 1.4e-4));
  EXPECT_TRUE(withinAbsolute(compareTensors(refB, outB), 1.4e-4));
  // The two inputs really give different outputs (so a swapped frame would show).
  EXPECT_GT(compareTensors(refA, outB).maxError, 1e-3);
  // A third submit reuses frame A's resources, so ticket A can no longer be waited for.
  int ticketC = program.submit(a.data());
  EXPECT_THROW(program.wait(ticketA, outA.data()), Error);
  program.wait(ticketC, outA.data());
}

// Long inferences are split into several command buffers (the device policy's submit budget,
// for GPU watchdogs): forced to split after every level with work, the results are the same bits.
TEST(GraphProgram, SplitSubmitsGiveIdenticalResults) {
  vk::Device& device = sharedDevice();
  MiniNet net = buildMiniInception();
  graph::WeightStore weights(device, net.graph);
  graph::ProgramOptions whole, split;
  whole.submitBudgetGflop = 0;  // no limit: one command buffer
  split.submitBudgetGflop = 1e-12;
  graph::Program one(device, net.graph, weights, 2, whole);
  graph::Program many(device, net.graph, weights, 2, split);
  EXPECT_EQ(one.stats().commandBuffers, 1);
  EXPECT_GT(many.stats().commandBuffers, 5);
  const auto input = randomVector(one.inputCount(), 23);
  std::vector<float> a(one.outputCount()), b(many.outputCount());
  one.run(input.data(), a.data());
  many.run(input.data(), b.data());
  EXPECT_EQ(a, b);
}

// Discrete GPUs' device-local memory is not host-visible: there the weights go through a staging
// buffer and a copy, where lavapipe's coherent memory takes them in place. Forced on lavapipe,
// the staging path must give the same bits (same kernels, same weights, only the upload differs).
TEST(GraphProgram, StagedWeightUploadGivesIdenticalResults) {
  vk::Device& inPlace = sharedDevice();
  vk::DeviceOptions options;
  options.validation = true;
  options.pipelineCacheOnDisk = false;
  options.unmappedDeviceMemory = true;
  std::unique_ptr<vk::Device> stagedDevice = makeDevice(options);
  vk::Device& staged = *stagedDevice;
  ASSERT_EQ(staged.memory().createBuffer(64, vk::MemoryUsage::DeviceLocal).coherentMapping(),
            nullptr);
  ASSERT_NE(inPlace.memory().createBuffer(64, vk::MemoryUsage::DeviceLocal).coherentMapping(),
            nullptr)
      << "the shared device no longer packs in place: this test compares nothing";
  MiniNet net = buildMiniInception();
  graph::WeightStore inPlaceWeights(inPlace, net.graph), stagedWeights(staged, net.graph);
  graph::Program a(inPlace, net.graph, inPlaceWeights, 2), b(staged, net.graph, stagedWeights, 2);
  const auto input = randomVector(a.inputCount(), 24);
  std::vector<float> outA(a.outputCount()), outB(b.outputCount());
  a.run(input.data(), outA.data());
  b.run(input.data(), outB.data());
  EXPECT_EQ(outA, outB);
}

TEST(GraphProgram, BlockOutputsMatchWithoutReuse) {
  vk::Device& device = sharedDevice();
  MiniNet net = buildMiniInception();
  graph::WeightStore weights(device, net.graph);
  graph::Program program(device, net.graph, weights, 2, {1, false, false});
  auto input = randomVector(program.inputCount(), 10);
  std::vector<float> output(program.outputCount());
  program.run(input.data(), output.data());
  auto ref = runGraphOnCpu(net.graph, input, 2);
  for (const auto& [name, tensor] : net.graph.boundaries) {
    auto got = program.readTensor(tensor);
    const auto& want = ref[tensor];
    ASSERT_EQ(got.size(), want.size());
    // Same bound as above, relative to the block's largest value.
    EXPECT_TRUE(withinRelative(compareTensors(want, got), 1.4e-4)) << name;
  }
}

TEST(GraphSchedule, SiblingBranchesShareALevelAndLevelsFollowTheLongestPath) {
  vk::Device& device = sharedDevice();
  MiniNet net = buildMiniInception(false);
  const auto& g = net.graph;
  for (bool reuse : {false, true}) {
    auto plan = graph::planMemory(g, 1, device.info().minStorageBufferOffsetAlignment, reuse);
    auto schedule = graph::scheduleByLevels(g, plan);
    std::vector<int> levelOf(g.nodes.size(), -1);
    for (size_t l = 0; l < schedule.levels.size(); ++l)
      for (int n : schedule.levels[l])
        levelOf[n] = static_cast<int>(l);
    // The first node of every branch of block 0 runs in one level: no barrier between them.
    for (int head : net.branchHeads)
      EXPECT_EQ(levelOf[head], levelOf[net.branchHeads[0]]);
    // Longest chain of data dependencies (in dispatches) through the DAG.
    std::vector<int> depth(g.nodes.size(), 0);
    int longest = 0;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (g.nodes[i].kind == graph::OpKind::Concat) continue;
      std::function<int(int)> producerDepth = [&](int tensor) {
        int p = g.tensors[tensor].producer;
        if (p < 0) return 0;
        if (g.nodes[p].kind != graph::OpKind::Concat) return depth[p];
        int d = 0;
        for (int in : g.nodes[p].inputs)
          d = std::max(d, producerDepth(in));
        return d;
      };
      int d = 0;
      for (int in : g.nodes[i].inputs)
        d = std::max(d, producerDepth(in));
      depth[i] = d + 1;
      longest = std::max(longest, depth[i]);
    }
    // Aliasing is planned on the levels, so it adds none.
    EXPECT_EQ(static_cast<int>(schedule.levels.size()), longest) << "reuse=" << reuse;
  }
  graph::WeightStore weights(device, g);
  graph::Program program(device, g, weights, 1);
  // One barrier before each level (the first orders the upload), one before the download and
  // one for the host read: levels + 2, never one per dispatch; and one more in each level with
  // split-K reductions (the implicit GEMM's, VKC_CONV_KERNEL=igemm).
  EXPECT_EQ(program.stats().barriers, program.stats().levels + 2 + program.stats().splitLevels);
  EXPECT_LT(program.stats().levels, program.stats().dispatches);
}

TEST(MemoryPlan, ChainOfEqualLayersUsesConstantMemory) {
  uint64_t first = 0, naivePrev = 0;
  for (int layers = 2; layers <= 12; layers += 2) {
    GraphBuilder b;
    int x = b.input(8, 16, 16);
    for (int i = 0; i < layers; ++i)
      x = addConv(b, "conv" + std::to_string(i), x, 8, 3, 3);
    graph::Graph g = b.finish(x);
    auto plan = graph::planMemory(g, 2, 64);
    if (layers == 2) first = plan.arenaBytes;
    EXPECT_EQ(plan.arenaBytes, first) << layers << " layers";
    EXPECT_EQ(plan.arenaBytes, 2 * plan.largestTensorBytes);  // ping-pong of two buffers
    EXPECT_GT(plan.naiveBytes, naivePrev);
    naivePrev = plan.naiveBytes;
  }
}

TEST(MemoryPlan, LiveTensorsNeverShareBytes) {
  MiniNet net = buildMiniInception();
  const auto& g = net.graph;
  auto plan = graph::planMemory(g, 3, 256);
  int checkedPairs = 0;
  for (size_t a = 0; a < g.tensors.size(); ++a) {
    if (g.tensors[a].parent >= 0 || plan.bytes[a] == 0) continue;
    EXPECT_EQ(plan.offset[a] % 256, 0u);
    for (size_t b = a + 1; b < g.tensors.size(); ++b) {
      if (g.tensors[b].parent >= 0 || plan.bytes[b] == 0) continue;
      const auto &la = plan.lifetime[a], &lb = plan.lifetime[b];
      if (la.first > lb.last || lb.first > la.last) continue;
      ++checkedPairs;
      bool disjoint = plan.offset[a] + plan.bytes[a] <= plan.offset[b] ||
                      plan.offset[b] + plan.bytes[b] <= plan.offset[a];
      EXPECT_TRUE(disjoint) << g.tensors[a].name << " and " << g.tensors[b].name;
    }
  }
  EXPECT_GT(checkedPairs, 10);
}

TEST(GraphBuilder, ShapeErrorsNameTheNode) {
  GraphBuilder b;
  int x = b.input(3, 5, 5);
  int y = addConv(b, "shrink", x, 4, 3, 3, 2, Padding::Valid);  // 2x2
  try {
    addConv(b, "too_small", y, 4, 3, 3, 1, Padding::Valid);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("too_small"), std::string::npos) << e.what();
  }
  EXPECT_THROW(b.conv("bad_weights", x, {4, 3, 3, 1, Padding::Same, ops::Activation::Relu},
                      std::vector<float>(5), {}),
               Error);
  EXPECT_THROW(b.input(3, 4, 4), Error);  // one input per graph
}

}  // namespace
}  // namespace vkc::test

namespace vkc::test {
namespace {

// lowerToWinograd on a block shaped like Inception-B/A layers: three nodes per lowered
// convolution sharing the convolution's kind, nominal FLOPs unchanged, convolutions where
// Winograd does not pay left alone, and the lowered graph on the GPU (memory reuse on, so the
// intermediate tensors alias others) against the CPU run of the graph as built.
TEST(WinogradLowering, BlockMatchesCpuAndKeepsNominalFlops) {
  GraphBuilder b;
  const int x = b.input(128, 17, 17);
  const int a = addConv(b, "a_1x7", x, 128, 1, 7);
  const int c = addConv(b, "c_7x1", a, 160, 7, 1);
  const int d = addConv(b, "d_3x3", c, 128, 3, 3);           // F(6,3), 17 x 3 tiles, 3 rows
  const int narrow = addConv(b, "narrow_1x7", x, 16, 1, 7);  // too few channels
  const int cat = b.concat("cat", {d, narrow});
  const int y = b.residualConv("up", cat, x, 0.2f, ops::Activation::Relu,
                               randomVector(size_t(128) * 144, 90, -0.1f, 0.1f),
                               randomVector(128, 91, -0.1f, 0.1f));
  graph::Graph built = b.finish(y);
  graph::Graph lowered = built;
  EXPECT_EQ(graph::lowerToWinograd(lowered), 3);
  EXPECT_EQ(lowered.nodes.size(), built.nodes.size() + 6);
  EXPECT_DOUBLE_EQ(lowered.flopsPerImage(), built.flopsPerImage());
  int winogradNodes = 0;
  for (size_t i = 0; i < lowered.nodes.size(); ++i) {
    const graph::Node& node = lowered.nodes[i];
    EXPECT_EQ(lowered.tensors[node.output].producer, int(i)) << node.name;
    if (node.name.rfind("a_1x7", 0) == 0) {
      EXPECT_EQ(lowered.nodeKind(int(i)), "conv 1x7/1 F(6,7)") << node.name;
      ++winogradNodes;
    }
    if (node.name.rfind("d_3x3", 0) == 0) {
      EXPECT_EQ(lowered.nodeKind(int(i)), "conv 3x3/1 F(4x4,3x3)") << node.name;
    }
    if (node.name == "narrow_1x7") {
      EXPECT_EQ(node.kind, graph::OpKind::Conv) << node.name;
    }
  }
  EXPECT_EQ(winogradNodes, 3);

  vk::Device& device = sharedDevice();
  const int batch = 2;
  graph::WeightStore weights(device, lowered);
  graph::Program program(device, lowered, weights, batch);
  auto input = randomVector(program.inputCount(), 92);
  std::vector<float> output(program.outputCount());
  program.run(input.data(), output.data());
  const auto want = runGraphOnCpu(built, input, batch)[built.output];
  // 1e-4 of the largest output, the goldens' per-block criterion for fp32 engines: each stage
  // is held to its worst-case bound by the op tests; a wrong tensor, tile or stage order here
  // moves outputs by a sizeable fraction of their range.
  const TensorError error = compareTensors(want, output);
  std::printf("[ winograd graph ] %s\n", describe(error).c_str());
  EXPECT_TRUE(withinRelative(error, 1e-4));
}

}  // namespace
}  // namespace vkc::test

namespace vkc::test {
namespace {

// Regressions for two use-after-frees that ASan found (CI runs this file under ASan): code that
// kept a reference into graph.tensors across a call appending to it. With 0..8 tensors before
// the call, one of the appends is certain to reallocate (vector capacities double), so the
// sanitizer build catches a reference that outlives it.
TEST(GraphBuilder, ResidualConvSurvivesTensorReallocation) {
  for (int extra = 0; extra <= 8; ++extra) {
    GraphBuilder b;
    int x = b.input(4, 6, 6);
    for (int i = 0; i < extra; ++i)
      x = addConv(b, "pre" + std::to_string(i), x, 4, 1, 1);
    const int y = b.residualConv("up", x, x, 0.5f, ops::Activation::Relu,
                                 randomVector(16, 93, -0.1f, 0.1f), {});
    EXPECT_EQ(b.tensor(y).channels, 4);
    EXPECT_EQ(b.tensor(y).height, 6);
    EXPECT_THROW(b.residualConv("bad", x, b.maxPool("half", x, 2, 2, 0), 0.5f,
                                ops::Activation::Relu, randomVector(16, 94, -0.1f, 0.1f), {}),
                 Error);
  }
}

TEST(WinogradLowering, SurvivesTensorReallocation) {
  for (int extra = 0; extra <= 8; ++extra) {
    GraphBuilder b;
    int x = b.input(64, 17, 17);
    for (int i = 0; i < extra; ++i)
      x = b.maxPool("pool" + std::to_string(i), x, 3, 1, 1);
    const int y = addConv(b, "a_1x7", x, 64, 1, 7);
    graph::Graph g = b.finish(y);
    ASSERT_EQ(graph::lowerToWinograd(g), 1) << extra;
    const graph::Tensor& products = g.tensors[g.nodes[g.nodes.size() - 2].output];
    EXPECT_EQ(products.height, 17) << extra;  // 17 rows of ceil(17 / 6) = 3 tiles
    EXPECT_EQ(products.width, 3) << extra;
  }
}

}  // namespace
}  // namespace vkc::test
