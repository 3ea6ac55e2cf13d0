#pragma once
// A graph compiled for one batch size: its activation arena, and per frame in flight the
// command buffers recorded once (upload, every dispatch by dependency level, download; more
// than one only where the work exceeds the device's submit budget) and replayed with a single
// vkQueueSubmit per inference.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/memory_plan.hpp"
#include "graph/schedule.hpp"
#include "graph/weight_store.hpp"
#include "ops/conv_plan.hpp"
#include "ops/elementwise.hpp"
#include "vk/device.hpp"

namespace vkc::graph {

struct ProgramOptions {
  int framesInFlight = 1;   // >1: submit() can run ahead while earlier results are read back
  bool profile = false;     // per-node GPU timestamps (adds a barrier after every dispatch)
  bool reuseMemory = true;  // alias activations by liveness
  ops::Precision precision = ops::Precision::Fp32;  // of tensors; the weights' must match
  // Called per pipeline created for the program (done of total), perhaps from compile threads.
  std::function<void(int done, int total)> pipelineProgress;
  bool atOnce = false;  // ops::kAtOnceTiling (NetworkOptions::start, StartMode::AtOnce)
  // Nominal GFLOP per command buffer (vk::DevicePolicy::submitBudgetGflop); -1: the device
  // policy's, 0: one command buffer whatever the work.
  double submitBudgetGflop = -1;
  // Set: the input is 8-bit RGB images [N, H, W, 3] (submitImages), normalised on the GPU.
  bool imageInput = false;
  ops::Normalization normalization;
};

struct ProgramStats {
  int dispatches = 0;
  int barriers = 0;  // pipeline barriers per inference, upload and download included
  int levels = 0;
  int submits = 1;
  int commandBuffers = 1;  // per inference (the submit budget splits long ones)
  uint64_t arenaBytes = 0, naiveBytes = 0;
  // Convolutions whose K is split (ops::ConvPlan::splitK): their reductions run after a barrier
  // of their own, one per level that has any; the workspace their partial sums share.
  int splitConvolutions = 0, splitLevels = 0;
  uint64_t workspaceBytes = 0;
};

struct NodeTiming {
  int node;
  double ms;
};

class Program {
 public:
  Program(vk::Device& device, const Graph& graph, const WeightStore& weights, int batch,
          const ProgramOptions& options = {});
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  int batch() const { return batch_; }
  size_t inputCount() const;   // floats per batch
  size_t outputCount() const;  // floats per batch
  int outputRows() const;      // the batch, or fewer where the output averages rows
  const ProgramStats& stats() const { return stats_; }
  const MemoryPlan& plan() const { return plan_; }
  const Schedule& schedule() const { return schedule_; }

  // Synchronous: upload, run, download.
  void run(const float* input, float* output);
  // Streaming: submit returns a ticket; wait() copies that run's output. At most
  // framesInFlight runs can be pending; submit() on a busy frame waits for it first.
  int submit(const float* input);
  // imageInput programs: `pixels` holds batch x H x W x 3 bytes (interleaved RGB).
  int submitImages(const uint8_t* pixels);
  void wait(int ticket, float* output);

  // Per-node GPU time of the last finished run (profile mode only).
  std::vector<NodeTiming> nodeTimings() const { return timings_; }
  // The plan of a direct convolution node (ops::planConv: route, tile, split-K) as this program
  // runs it; nullptr for the other nodes (Winograd's included).
  const ops::ConvPlan* convPlan(int node) const {
    return convPlans_[node].first ? &convPlans_[node].second : nullptr;
  }
  // Reads a tensor of the last run (debugging and per-block checks). Only tensors whose
  // memory has not been reused yet hold their values: use reuseMemory=false for all of them.
  std::vector<float> readTensor(int tensor) const;

 private:
  struct Frame;
  void record(Frame& frame);
  // A node's dispatches on a frame's arena and workspace (program_nodes.cpp), in order with a
  // barrier between them: none for a Concat, two for a convolution that splits K, else one.
  std::vector<vk::Dispatch> dispatchesOf(int node, VkBuffer arena, VkBuffer workspace);
  // Sets workspace_, convPlans_ and the stats' split-K figures.
  void planWorkspace();
  VkCommandBuffer beginCommandBuffer(Frame& frame);  // allocated from the frame's pool, begun
  ops::TensorRef ref(const Frame& frame, int tensor) const;
  void collectTimings(Frame& frame);
  Frame& beginSubmit(int ticket);

  vk::Device& device_;
  const Graph& graph_;
  const WeightStore& weights_;
  int batch_;
  ProgramOptions options_;
  ops::ConvTiling tiling_;
  MemoryPlan plan_;
  // Per node: the range of each frame's workspace its split-K partial sums take (offset, bytes;
  // none where it does not split K). The nodes of one level run together and get disjoint
  // ranges; later levels reuse the bytes.
  std::vector<std::pair<uint64_t, uint64_t>> workspace_;
  std::vector<std::pair<bool, ops::ConvPlan>> convPlans_;  // per node (planWorkspace)
  Schedule schedule_;
  ProgramStats stats_;
  std::vector<std::unique_ptr<Frame>> frames_;
  std::vector<NodeTiming> timings_;
  int nextTicket_ = 0;
  int lastFrame_ = 0;
};

}  // namespace vkc::graph
