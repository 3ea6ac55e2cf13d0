#include "support/gpu_runner.hpp"

namespace vkc::test {

vk::Buffer upload(vk::Device& device, const std::vector<float>& data) {
  vk::Buffer buffer =
      device.memory().createBuffer(data.size() * sizeof(float), vk::MemoryUsage::DeviceLocal);
  device.upload(buffer, data.data(), data.size() * sizeof(float));
  return buffer;
}

vk::Buffer uploadBytes(vk::Device& device, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> padded(data);
  padded.resize((data.size() + 3) / 4 * 4, 0);
  vk::Buffer buffer = device.memory().createBuffer(padded.size(), vk::MemoryUsage::DeviceLocal);
  device.upload(buffer, padded.data(), padded.size());
  return buffer;
}

std::vector<float> download(vk::Device& device, const vk::Buffer& buffer, size_t count) {
  std::vector<float> out(count);
  device.download(buffer, out.data(), count * sizeof(float));
  return out;
}

vk::BufferSlice whole(const vk::Buffer& buffer) {
  return {buffer.handle(), 0, buffer.size()};
}

void runDispatches(vk::Device& device, const std::vector<vk::Dispatch>& dispatches) {
  vk::DescriptorArena arena(device.handle());
  vk::OneShotCommands commands(device);
  for (size_t i = 0; i < dispatches.size(); ++i) {
    if (i > 0) vk::recordMemoryBarrier(commands.handle());
    vk::recordDispatch(commands.handle(), arena.allocate(dispatches[i]), dispatches[i]);
  }
  commands.submitAndWait();
}

}  // namespace vkc::test
