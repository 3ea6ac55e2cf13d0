// What vkception.hpp promises about threads, run by CI under ThreadSanitizer (VKC_SANITIZE=thread)
// and always under the validation layer, whose thread-safety checks report any externally
// synchronised Vulkan object (queue, command pool, descriptor pool) used from two threads at once:
// Networks loaded and run concurrently on one Context give the results they give alone.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "io/detweights.hpp"
#include "support/compare.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

NetworkOptions bundled() {
  NetworkOptions o;
  o.weights = std::string(VKC_ASSETS_DIR) + "/fashion_mnist_irv2.safetensors";
  o.start = vkc::StartMode::AtOnce;
  return o;
}

std::vector<float> inputFor(int seed, int size) {
  std::vector<float> x = io::detweightsInput({2, 3, size, size});
  for (float& v : x)
    v *= 1.0f + 0.1f * seed;  // a different input per thread
  return x;
}

// Passes iff `a` and `b` are finite and differ somewhere by more than 1% of their largest value:
// two threads' expected results, so that results swapped between the threads fail the test.
testing::AssertionResult distinct(const std::vector<float>& a, const std::vector<float>& b) {
  const TensorError e = compareTensors(a, b);
  if (e.count > 0 && e.nonFinite == 0 && e.maxError > 0.01 * e.maxReference) {
    return testing::AssertionSuccess() << describe(e);
  }
  return testing::AssertionFailure() << describe(e) << ": not 1% of max |ref| apart";
}

TEST(Concurrency, NetworksOnOneContextLoadAndRunFromSeveralThreads) {
  ContextOptions options;
  options.validation = true;
  options.pipelineCache = false;
  Context context(options);
  constexpr int kThreads = 3, kRuns = 4;
  // Each thread's results, computed alone first.
  std::vector<std::vector<float>> alone(kThreads);
  {
    Network net = Network::load(context, "inception_resnet_v2", bundled());
    for (int t = 0; t < kThreads; ++t) {
      const std::vector<float> x = inputFor(t, net.inputSize());
      alone[t] = net.run(x.data(), 2);
    }
  }
  for (int a = 0; a < kThreads; ++a) {
    for (int b = a + 1; b < kThreads; ++b)
      ASSERT_TRUE(distinct(alone[a], alone[b])) << "threads " << a << " and " << b;
  }
  std::vector<std::vector<std::vector<float>>> together(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        // Loads race too: weight uploads, pipeline creation and the allocator are shared.
        Network net = Network::load(context, "inception_resnet_v2", bundled());
        const std::vector<float> x = inputFor(t, net.inputSize());
        for (int r = 0; r < kRuns; ++r)
          together[t].push_back(net.run(x.data(), 2));
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (std::thread& th : threads)
    th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    ASSERT_EQ(together[t].size(), size_t(kRuns)) << "thread " << t;
    for (int r = 0; r < kRuns; ++r) {
      // Bit for bit: the same kernels on the same data, whatever else runs beside them.
      EXPECT_EQ(together[t][r], alone[t]) << "thread " << t << " run " << r;
    }
  }
}

// Each thread its own Context and its own input; each gets the result that input gives alone.
TEST(Concurrency, ContextsInSeveralThreads) {
  constexpr int kThreads = 2;
  auto makeContext = [] {
    ContextOptions options;
    options.validation = true;
    options.pipelineCache = false;
    return Context(options);
  };
  std::vector<std::vector<float>> alone(kThreads);
  {
    Context context = makeContext();
    Network net = Network::load(context, "inception_resnet_v2", bundled());
    for (int t = 0; t < kThreads; ++t) {
      const std::vector<float> x = inputFor(t, net.inputSize());
      alone[t] = net.run(x.data(), 2);
    }
  }
  ASSERT_TRUE(distinct(alone[0], alone[1]));
  std::vector<std::vector<float>> out(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Context context = makeContext();
        Network net = Network::load(context, "inception_resnet_v2", bundled());
        const std::vector<float> x = inputFor(t, net.inputSize());
        out[t] = net.run(x.data(), 2);
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (std::thread& th : threads)
    th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    // Bit for bit: the same kernels on the same device and data, in another Context.
    EXPECT_EQ(out[t], alone[t]) << "thread " << t;
  }
}

}  // namespace
}  // namespace vkc::test
