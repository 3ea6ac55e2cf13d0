// Fault injection (vk/fault_injection.hpp): for each kind of Vulkan call that can fail at run
// time (allocation, pipeline creation, queue submit, fence wait), the N-th call of a whole
// network load and first run fails, for every N the load and run make, with the four results
// cycled over N (all four at each N where there are few calls; out of device memory, out of host
// memory, device lost, initialization failed). Each must give a vkc::Error naming the call and the
// VkResult with the matching code; nothing may leak (the validation layer's object tracker reports
// leaks at vkDestroyDevice, and the listener in test_main.cpp fails the test on any message); after
// running out of memory the same Context loads and runs the network again, bit for bit as before;
// after device loss every later call on that Network and that Context reports the lost device.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/detweights.hpp"
#include "vk/check.hpp"
#include "vk/fault_injection.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

using vk::FaultSite;

struct FaultCase {
  const char* name;
  std::string model;
  NetworkOptions options;
};

FaultCase bundledModel() {
  NetworkOptions o;
  o.weights = std::string(VKC_ASSETS_DIR) + "/fashion_mnist_irv2.safetensors";
  return {"bundled", "inception_resnet_v2", o};
}

// A paper network at a small input size (the smallest its valid-padding chain allows); at-once
// kernels (StartMode::AtOnce) keep lavapipe's compile times down.
FaultCase paperNetwork() {
  NetworkOptions o;
  o.inputSize = 75;
  o.start = vkc::StartMode::AtOnce;
  return {"inception_v3_75", "inception_v3", o};
}

constexpr VkResult kResults[] = {VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_ERROR_OUT_OF_HOST_MEMORY,
                                 VK_ERROR_DEVICE_LOST, VK_ERROR_INITIALIZATION_FAILED};

ErrorCode expectedCode(VkResult r) {
  switch (r) {
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_HOST_MEMORY:
      return ErrorCode::OutOfMemory;
    case VK_ERROR_DEVICE_LOST:
      return ErrorCode::DeviceLost;
    default:
      return ErrorCode::VulkanFailure;
  }
}

const char* callsAt(FaultSite site) {
  switch (site) {
    case FaultSite::Allocation:
      return "vkAllocateMemory vkCreateBuffer vkAllocateCommandBuffers vkCreateDescriptorPool "
             "vkAllocateDescriptorSets";
    case FaultSite::PipelineCreation:
      return "vkCreateShaderModule vkCreateComputePipelines";
    case FaultSite::QueueSubmit:
      return "vkQueueSubmit";
    case FaultSite::FenceWait:
      return "vkWaitForFences";
  }
  return "";
}

std::unique_ptr<Context> newContext() {
  ContextOptions options;
  options.validation = true;
  options.pipelineCache = false;  // every Context compiles its pipelines: each trial sees them all
  return std::make_unique<Context>(options);
}

std::vector<float> loadAndRun(Context& context, const FaultCase& c, std::unique_ptr<Network>* out) {
  *out = std::make_unique<Network>(Network::load(context, c.model, c.options));
  const int s = (*out)->inputSize();
  const std::vector<float> input = io::detweightsInput({1, 3, s, s});
  return (*out)->run(input.data(), 1);
}

class FaultSweep : public testing::TestWithParam<std::tuple<FaultCase, FaultSite>> {};

TEST_P(FaultSweep, EveryFailingCallIsReportedCleanly) {
  const auto& [c, site] = GetParam();
  std::unique_ptr<Context> context = newContext();
  std::unique_ptr<Network> net;
  vk::disarmFaults();
  const std::vector<float> reference = loadAndRun(*context, c, &net);
  const uint64_t calls = vk::faultSiteCalls(site);
  net.reset();
  ASSERT_GT(calls, 0u) << vk::faultSiteName(site);
  // Pipelines are compiled once per Context: a sweep of them needs a new one for each trial.
  const bool freshContextEachTrial = site == FaultSite::PipelineCreation;
  // Few calls (submits, waits): each with all four results; many: the results in turn.
  const int resultsPerCall = calls <= 16 ? 4 : 1;
  int lostChecked = 0, trials = 0;
  for (uint64_t trial = 0; trial < calls * resultsPerCall; ++trial) {
    const uint64_t n = trial / resultsPerCall + 1;
    const VkResult result = kResults[trial % 4];
    ++trials;
    SCOPED_TRACE(std::string(vk::faultSiteName(site)) + " call " + std::to_string(n) + " of " +
                 std::to_string(calls) + " fails with " + std::to_string(result));
    if (freshContextEachTrial) context = newContext();
    vk::armFault(site, n, result);
    bool failed = false;
    try {
      loadAndRun(*context, c, &net);
    } catch (const Error& e) {
      failed = true;
      const std::string message = e.what();
      const std::string call = message.substr(0, message.find(' '));
      EXPECT_NE(std::string(callsAt(site)).find(call), std::string::npos) << message;
      EXPECT_NE(message.find(vk::resultName(result)), std::string::npos) << message;
      EXPECT_EQ(e.code(), expectedCode(result)) << message;
    }
    vk::disarmFaults();
    EXPECT_TRUE(failed) << "the injected failure was not reported";
    if (result == VK_ERROR_DEVICE_LOST) {
      // Everything on the lost device reports it, whether the failure hit the load or the run.
      if (net) {
        const int s = net->inputSize();
        const std::vector<float> input = io::detweightsInput({1, 3, s, s});
        try {
          net->run(input.data(), 1);
          ADD_FAILURE() << "run on a lost device succeeded";
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::DeviceLost) << e.what();
        }
      }
      try {
        Network::load(*context, c.model, c.options);
        ADD_FAILURE() << "load on a lost device succeeded";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DeviceLost) << e.what();
      }
      ++lostChecked;
      net.reset();
      context = newContext();
      continue;
    }
    // After running out of memory the same Context is still usable, and gives the same logits.
    net.reset();
    if (expectedCode(result) == ErrorCode::OutOfMemory) {
      EXPECT_EQ(loadAndRun(*context, c, &net), reference);
      net.reset();
    }
  }
  std::printf("[ fault sweep ] %s, %s: %llu calls, %d failures injected (%d device losses)\n",
              c.name, vk::faultSiteName(site), static_cast<unsigned long long>(calls), trials,
              lostChecked);
}

INSTANTIATE_TEST_SUITE_P(
    Reliability, FaultSweep,
    testing::Combine(testing::Values(bundledModel(), paperNetwork()),
                     testing::Values(FaultSite::Allocation, FaultSite::PipelineCreation,
                                     FaultSite::QueueSubmit, FaultSite::FenceWait)),
    [](const auto& info) {
      std::string site = vk::faultSiteName(std::get<1>(info.param));
      for (char& ch : site)
        if (ch == ' ') ch = '_';
      return std::string(std::get<0>(info.param).name) + "_" + site;
    });

}  // namespace
}  // namespace vkc::test
