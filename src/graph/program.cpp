#include "graph/program.hpp"

#include <algorithm>
#include <cstring>

#include "graph/winograd_lowering.hpp"
#include "io/half.hpp"
#include "ops/elementwise.hpp"
#include "tuning.hpp"
#include "vk/check.hpp"
#include "vk/fault_injection.hpp"
#include "vkception/error.hpp"

namespace vkc::graph {
namespace {

// The register blocks of the graph's convolutions, the same for every frame.
ops::ConvTiling tilingFor(const Graph& graph, const vk::DevicePolicy& policy, bool atOnce) {
  ops::ConvTiling tiling = ops::convTilingFor(policy, atOnce);
  if (tiling.atOnce) {
    tiling.sevenTapSegments = manySevenTapLayers(graph);  // those left direct (fp16, no Winograd)
    if (graph.flopsPerImage() < tuning::kTwoPixelAtOnceBelowFlops) tiling.atOncePixels = 2;
  }
  return tiling;
}

// The device keeps tensors in CNHW order with padded channel planes (ops/tensor_ref.hpp), as
// fp32 or fp16; callers use fp32 NCHW.
void nchwToCnhw(const float* src, void* dst, ops::Precision precision, int batch, int channels,
                int hw) {
  const size_t plane = ops::planeElements(batch, 1, hw);
  for (int n = 0; n < batch; ++n) {
    for (int c = 0; c < channels; ++c) {
      const float* from = src + (size_t(n) * channels + c) * hw;
      const size_t to = c * plane + size_t(n) * hw;
      if (precision == ops::Precision::Fp16) {
        io::floatsToHalves(from, hw, static_cast<uint16_t*>(dst) + to);
      } else {
        std::memcpy(static_cast<float*>(dst) + to, from, hw * sizeof(float));
      }
    }
  }
}

void cnhwToNchw(const void* src, ops::Precision precision, float* dst, int batch, int channels,
                int hw) {
  const size_t plane = ops::planeElements(batch, 1, hw);
  for (int n = 0; n < batch; ++n) {
    for (int c = 0; c < channels; ++c) {
      float* to = dst + (size_t(n) * channels + c) * hw;
      const size_t from = c * plane + size_t(n) * hw;
      if (precision == ops::Precision::Fp16) {
        io::halvesToFloats(static_cast<const uint16_t*>(src) + from, hw, to);
      } else {
        std::memcpy(to, static_cast<const float*>(src) + from, hw * sizeof(float));
      }
    }
  }
}

}  // namespace

// Everything one inference in flight needs. Owns its Vulkan objects, so a Program whose
// constructor fails half-way leaks nothing.
struct Program::Frame {
  explicit Frame(vk::Device& d) : device(d) {}
  ~Frame() {
    VkDevice dev = device.handle();
    // A run whose wait failed may still be executing: it must end before its objects go.
    if (fence && ticket >= 0) vkWaitForFences(dev, 1, &fence, VK_TRUE, UINT64_MAX);
    if (fence) vkDestroyFence(dev, fence, nullptr);
    if (pool) vkDestroyCommandPool(dev, pool, nullptr);
    if (queries) vkDestroyQueryPool(dev, queries, nullptr);
  }
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;

  vk::Device& device;
  vk::Buffer arena, input, output;
  vk::Buffer workspace;  // split-K partial sums (Program::workspace_), where any
  // Its own pool: command pools are externally synchronised, and Programs of different
  // Networks may record and submit from different threads.
  VkCommandPool pool = VK_NULL_HANDLE;
  // One inference: several command buffers where it is longer than the submit budget.
  std::vector<VkCommandBuffer> commands;
  VkFence fence = VK_NULL_HANDLE;
  VkQueryPool queries = VK_NULL_HANDLE;
  std::unique_ptr<vk::DescriptorArena> descriptors;
  std::vector<int> timedNodes;
  int ticket = -1;  // the run in flight on this frame, -1 if none
};

Program::Program(vk::Device& device, const Graph& graph, const WeightStore& weights, int batch,
                 const ProgramOptions& options)
    : device_(device),
      graph_(graph),
      weights_(weights),
      batch_(batch),
      options_(options),
      tiling_(tilingFor(graph, device.policy(), options.atOnce)) {
  if (batch < 1) throw Error("batch size must be at least 1");
  if (options.imageInput && graph.tensors[graph.input].channels != 3) {
    throw Error("8-bit image input needs a 3-channel network input");
  }
  if (weights.precision() != options.precision) {
    throw Error("the weights were stored for another precision than the program's");
  }
  if (options.precision == ops::Precision::Fp16) ops::requireFp16(device.info(), device.policy());
  for (const Tensor& t : graph.tensors) {
    if (batch % t.batchDivisor != 0) {
      throw Error("batch " + std::to_string(batch) + " is not a multiple of " +
                  std::to_string(t.batchDivisor) + " (tensor '" + t.name + "')");
    }
  }
  plan_ = planMemory(graph, batch, device.info().bindingAlignment(), options.reuseMemory,
                     options.precision);
  if (plan_.largestTensorBytes > device.info().maxStorageBufferRange) {
    throw Error("batch " + std::to_string(batch) + " needs a " +
                std::to_string(plan_.largestTensorBytes >> 20) +
                " MiB tensor, over this device's maxStorageBufferRange of " +
                std::to_string(device.info().maxStorageBufferRange >> 20) +
                " MiB; use a smaller batch");
  }
  schedule_ = scheduleByLevels(graph, plan_);
  stats_.levels = static_cast<int>(schedule_.levels.size());
  stats_.dispatches = schedule_.dispatchCount();
  stats_.arenaBytes = plan_.arenaBytes;
  stats_.naiveBytes = plan_.naiveBytes;
  planWorkspace();
  stats_.dispatches += stats_.splitConvolutions;  // their reductions

  for (int f = 0; f < std::max(1, options.framesInFlight); ++f) {
    auto frame = std::make_unique<Frame>(device);
    frame->arena = device.memory().createBuffer(plan_.arenaBytes, vk::MemoryUsage::DeviceLocal);
    if (stats_.workspaceBytes > 0) {
      frame->workspace =
          device.memory().createBuffer(stats_.workspaceBytes, vk::MemoryUsage::DeviceLocal);
    }
    const size_t inputBytes = options.imageInput ? (inputCount() + 3) / 4 * 4  // bytes, whole uints
                                                 : plan_.bytes[graph.input];
    frame->input = device.memory().createBuffer(inputBytes, vk::MemoryUsage::Upload);
    frame->output =
        device.memory().createBuffer(plan_.bytes[graph.output], vk::MemoryUsage::Readback);
    frame->descriptors = std::make_unique<vk::DescriptorArena>(device.handle());
    VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    poolInfo.queueFamilyIndex = static_cast<uint32_t>(device.info().computeQueueFamily);
    VKC_CHECK(vkCreateCommandPool(device.handle(), &poolInfo, nullptr, &frame->pool));
    VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VKC_CHECK(vkCreateFence(device.handle(), &fenceInfo, nullptr, &frame->fence));
    if (options.profile) {
      if (!device.info().timestamps) throw Error("this device has no GPU timestamps");
      VkQueryPoolCreateInfo q{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
      q.queryType = VK_QUERY_TYPE_TIMESTAMP;
      q.queryCount = 2 * static_cast<uint32_t>(graph.nodes.size());
      VKC_CHECK(vkCreateQueryPool(device.handle(), &q, nullptr, &frame->queries));
    }
    record(*frame);
    frames_.push_back(std::move(frame));
  }
}

Program::~Program() = default;

size_t Program::inputCount() const {
  return size_t(batch_) * graph_.tensors[graph_.input].elementsPerImage();
}

size_t Program::outputCount() const {
  return size_t(outputRows()) * graph_.tensors[graph_.output].elementsPerImage();
}

int Program::outputRows() const {
  return batch_ / graph_.tensors[graph_.output].batchDivisor;
}

ops::TensorRef Program::ref(const Frame& frame, int tensor) const {
  return bindingOf(graph_, plan_, tensor, frame.arena.handle());
}

VkCommandBuffer Program::beginCommandBuffer(Frame& frame) {
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = frame.pool;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cb = VK_NULL_HANDLE;
  VKC_CHECK_AT(vk::FaultSite::Allocation, vkAllocateCommandBuffers(device_.handle(), &alloc, &cb));
  frame.commands.push_back(cb);  // freed with the pool
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  VKC_CHECK(vkBeginCommandBuffer(cb, &begin));
  return cb;
}

void Program::record(Frame& frame) {
  VkCommandBuffer cb = beginCommandBuffer(frame);
  if (frame.queries) vkCmdResetQueryPool(cb, frame.queries, 0, 2 * graph_.nodes.size());
  int barriers = 0;

  const int in = graph_.input;
  if (options_.imageInput) {
    vk::Dispatch d =
        ops::preprocessDispatch(device_.kernels(), {frame.input.handle(), 0, frame.input.size()},
                                options_.normalization, ref(frame, in));
    vk::recordDispatch(cb, frame.descriptors->allocate(d), d);
  } else {
    VkBufferCopy upload{0, plan_.offset[in], plan_.bytes[in]};
    vkCmdCopyBuffer(cb, frame.input.handle(), frame.arena.handle(), 1, &upload);
  }

  // Every node's dispatch first, so that the pipelines they need are created together, on
  // several threads (vk::KernelCache::CompileTogether).
  std::vector<std::vector<vk::Dispatch>> dispatches(graph_.nodes.size());
  {
    vk::KernelCache::CompileTogether together(device_.kernels());
    for (const auto& level : schedule_.levels) {
      for (int index : level)
        dispatches[index] = dispatchesOf(index, frame.arena.handle(), frame.workspace.handle());
    }
    together.finish(options_.pipelineProgress);
  }
  uint32_t query = 0;
  // Levels go into one command buffer until the next would take it over the submit budget;
  // each level starts with a barrier, which orders it after everything submitted before it,
  // so a split between levels changes nothing but where the GPU may pause.
  const double budget = options_.submitBudgetGflop >= 0 ? options_.submitBudgetGflop
                                                        : device_.policy().submitBudgetGflop;
  double gflopInBuffer = 0;
  for (const auto& level : schedule_.levels) {
    double levelGflop = 0;
    for (int index : level)
      levelGflop += graph_.nodeFlopsPerImage(index) * batch_ * 1e-9;
    if (budget > 0 && gflopInBuffer > 0 && gflopInBuffer + levelGflop > budget) {
      VKC_CHECK(vkEndCommandBuffer(cb));
      cb = beginCommandBuffer(frame);
      gflopInBuffer = 0;
    }
    gflopInBuffer += levelGflop;
    vk::recordMemoryBarrier(cb);
    ++barriers;
    // Each node's first dispatch; a node's later ones (split-K reductions) behind one more
    // barrier for the whole level, or when profiling right after their node's first.
    bool later = false;
    for (size_t k = 0; k < level.size(); ++k) {
      int index = level[k];
      const std::vector<vk::Dispatch>& node = dispatches[index];
      if (node.empty()) continue;
      if (frame.queries) {
        // Profiling serialises the nodes so each timestamp pair brackets one node alone.
        if (k > 0) {
          vk::recordMemoryBarrier(cb);
          ++barriers;
        }
        vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, frame.queries, query);
      }
      vk::recordDispatch(cb, frame.descriptors->allocate(node[0]), node[0]);
      later = later || node.size() > 1;
      if (frame.queries) {
        for (size_t i = 1; i < node.size(); ++i) {
          vk::recordMemoryBarrier(cb);
          ++barriers;
          vk::recordDispatch(cb, frame.descriptors->allocate(node[i]), node[i]);
        }
        vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, frame.queries, query + 1);
        frame.timedNodes.push_back(index);
        query += 2;
      }
    }
    if (later && !frame.queries) {
      vk::recordMemoryBarrier(cb);
      ++barriers;
      for (int index : level) {
        const std::vector<vk::Dispatch>& node = dispatches[index];
        for (size_t i = 1; i < node.size(); ++i)
          vk::recordDispatch(cb, frame.descriptors->allocate(node[i]), node[i]);
      }
    }
  }
  vk::recordMemoryBarrier(cb);
  ++barriers;
  const int out = graph_.output;
  VkBufferCopy download{plan_.offset[out], 0, plan_.bytes[out]};
  vkCmdCopyBuffer(cb, frame.arena.handle(), frame.output.handle(), 1, &download);
  // Make the transfer's writes visible to the host reading the mapped readback buffer.
  VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                       &toHost, 0, nullptr, 0, nullptr);
  ++barriers;
  VKC_CHECK(vkEndCommandBuffer(cb));
  stats_.barriers = barriers;
  stats_.commandBuffers = static_cast<int>(frame.commands.size());
}

Program::Frame& Program::beginSubmit(int ticket) {
  Frame& frame = *frames_[ticket % frames_.size()];
  if (frame.ticket >= 0) device_.waitForFence(frame.fence);
  VKC_CHECK(vkResetFences(device_.handle(), 1, &frame.fence));
  return frame;
}

int Program::submit(const float* input) {
  if (options_.imageInput) throw Error("this program takes 8-bit images (submitImages)");
  int ticket = nextTicket_++;
  Frame& frame = beginSubmit(ticket);
  const Tensor& in = graph_.tensors[graph_.input];
  nchwToCnhw(input, frame.input.mapped(), options_.precision, batch_, in.channels,
             in.height * in.width);
  device_.submit(frame.commands, frame.fence);
  frame.ticket = ticket;
  return ticket;
}

int Program::submitImages(const uint8_t* pixels) {
  if (!options_.imageInput) throw Error("this program takes float tensors (submit)");
  int ticket = nextTicket_++;
  Frame& frame = beginSubmit(ticket);
  std::memcpy(frame.input.mapped(), pixels, inputCount());
  device_.submit(frame.commands, frame.fence);
  frame.ticket = ticket;
  return ticket;
}

void Program::wait(int ticket, float* output) {
  Frame& frame = *frames_[ticket % frames_.size()];
  if (frame.ticket != ticket) {
    throw Error("run " + std::to_string(ticket) + " is no longer pending (too many in flight)");
  }
  device_.waitForFence(frame.fence);
  const Tensor& out = graph_.tensors[graph_.output];
  cnhwToNchw(frame.output.mapped(), options_.precision, output, outputRows(), out.channels,
             out.height * out.width);
  frame.ticket = -1;
  lastFrame_ = static_cast<int>(ticket % frames_.size());
  if (frame.queries) collectTimings(frame);
}

void Program::run(const float* input, float* output) {
  wait(submit(input), output);
}

void Program::collectTimings(Frame& frame) {
  std::vector<uint64_t> stamps(2 * frame.timedNodes.size());
  VKC_CHECK(vkGetQueryPoolResults(
      device_.handle(), frame.queries, 0, static_cast<uint32_t>(stamps.size()),
      stamps.size() * sizeof(uint64_t), stamps.data(), sizeof(uint64_t), VK_QUERY_RESULT_64_BIT));
  timings_.clear();
  const double period = device_.info().timestampPeriodNs;
  for (size_t i = 0; i < frame.timedNodes.size(); ++i) {
    timings_.push_back({frame.timedNodes[i], (stamps[2 * i + 1] - stamps[2 * i]) * period * 1e-6});
  }
}

std::vector<float> Program::readTensor(int tensor) const {
  const Frame& frame = *frames_[lastFrame_];
  const Tensor& t = graph_.tensors[tensor];
  ops::TensorRef r = ref(frame, tensor);
  const size_t element = ops::elementBytes(options_.precision);
  std::vector<uint8_t> bound(r.slice.range);
  std::vector<float> out(size_t(r.batch) * t.elementsPerImage());
  device_.download(frame.arena, bound.data(), r.slice.range, r.slice.offset);
  cnhwToNchw(bound.data() + r.elementOffset * element, options_.precision, out.data(), r.batch,
             t.channels, t.height * t.width);
  return out;
}

}  // namespace vkc::graph
