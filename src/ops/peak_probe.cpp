#include "ops/peak_probe.hpp"

#include <algorithm>

#include "vk/dispatch.hpp"
#include "vk/stopwatch.hpp"

namespace vkc::ops {

PeakResult measurePeak(vk::Device& device, Precision precision, int runs) {
  const uint32_t lanes = 64, groups = 256;
  const int iterations = 4096;
  vk::Buffer out =
      device.memory().createBuffer(size_t(lanes) * groups * 16, vk::MemoryUsage::DeviceLocal);
  vk::Dispatch d;
  d.kernel =
      &device.kernels().get({shaderFor("fma_probe", precision), {lanes, 1, 1}, {}, 1, sizeof(int)});
  d.buffers = {{out.handle(), 0, out.size()}};
  d.setPush(iterations);
  d.groups = {groups, 1, 1};
  const double flops = double(lanes) * groups * iterations * 16 * 4 * 2;
  PeakResult best;
  for (int r = 0; r < runs + 1; ++r) {  // the first run warms up
    vk::DescriptorArena arena(device.handle());
    vk::OneShotCommands commands(device);
    vk::recordDispatch(commands.handle(), arena.allocate(d), d);
    const vk::Stopwatch submitted;
    commands.submitAndWait();
    const double ms = submitted.ms();
    double gflops = flops / (ms * 1e6);
    if (r > 0 && gflops > best.gflops) best = {gflops, ms};
  }
  return best;
}

}  // namespace vkc::ops
