#include "selftest/runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "io/half.hpp"
#include "ops/pool2d.hpp"
#include "selftest/runner_internal.hpp"
#include "vk/dispatch.hpp"
#include "vkception/error.hpp"

namespace vkc::selftest {
namespace detail {

size_t deviceCount(int n, int c, int hw) {
  return size_t(c) * ops::planeElements(n, 1, hw);
}

std::vector<float> toDevice(const std::vector<float>& nchw, int n, int c, int hw) {
  const size_t plane = ops::planeElements(n, 1, hw);
  std::vector<float> out(deviceCount(n, c, hw), 0.0f);
  for (int b = 0; b < n; ++b)
    for (int ch = 0; ch < c; ++ch)
      for (int i = 0; i < hw; ++i)
        out[ch * plane + size_t(b) * hw + i] = nchw[(size_t(b) * c + ch) * hw + i];
  return out;
}

std::vector<float> fromDevice(const std::vector<float>& cnhw, int n, int c, int hw) {
  const size_t plane = ops::planeElements(n, 1, hw);
  std::vector<float> out(size_t(n) * c * hw);
  for (int b = 0; b < n; ++b)
    for (int ch = 0; ch < c; ++ch)
      for (int i = 0; i < hw; ++i)
        out[(size_t(b) * c + ch) * hw + i] = cnhw[ch * plane + size_t(b) * hw + i];
  return out;
}

vk::Buffer uploadBytes(vk::Device& device, const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> padded(bytes);
  padded.resize(std::max<size_t>((bytes.size() + 3) / 4 * 4, 4), 0);
  vk::Buffer buffer = device.memory().createBuffer(padded.size(), vk::MemoryUsage::DeviceLocal);
  // Written in place where the memory is host-visible and coherent (CPU drivers, most mobile
  // GPUs): a submission per tensor would take most of the self-test's time there.
  if (void* mapping = buffer.coherentMapping()) {
    std::memcpy(mapping, padded.data(), padded.size());
  } else {
    device.upload(buffer, padded.data(), padded.size());
  }
  return buffer;
}

std::vector<uint8_t> tensorBytes(const std::vector<float>& values, ops::Precision precision) {
  if (precision == ops::Precision::Fp16) {
    std::vector<uint16_t> halves(values.size());
    io::floatsToHalves(values.data(), values.size(), halves.data());
    const auto* b = reinterpret_cast<const uint8_t*>(halves.data());
    return std::vector<uint8_t>(b, b + halves.size() * 2);
  }
  const auto* b = reinterpret_cast<const uint8_t*>(values.data());
  return std::vector<uint8_t>(b, b + values.size() * 4);
}

vk::Buffer uploadTensor(vk::Device& device, const std::vector<float>& values,
                        ops::Precision precision) {
  return uploadBytes(device, tensorBytes(values, precision));
}

std::vector<float> downloadTensor(vk::Device& device, const vk::Buffer& buffer, size_t count,
                                  ops::Precision precision) {
  std::vector<float> values(count);
  auto read = [&](void* to, size_t bytes) {
    if (const void* mapping = buffer.coherentMapping()) {
      std::memcpy(to, mapping, bytes);
    } else {
      device.download(buffer, to, bytes);
    }
  };
  if (precision == ops::Precision::Fp32) {
    read(values.data(), count * sizeof(float));
    return values;
  }
  std::vector<uint16_t> halves(count);
  read(halves.data(), count * sizeof(uint16_t));
  io::halvesToFloats(halves.data(), count, values.data());
  return values;
}

ops::TensorRef tensorRef(const vk::Buffer& buffer, int n, int c, int h, int w, int cOffset,
                         ops::Precision precision) {
  return ops::sliceRef(buffer.handle(), 0, 256, n, c, h, w, cOffset, precision);
}

void compareSlice(CaseResult& result, const std::vector<float>& got,
                  const std::vector<double>& want, int n, int channels, int hw, int total,
                  int offset, const std::function<double(size_t)>& bound) {
  compareSlice(result, got, want, n, channels, hw, total, offset, kSentinel, bound);
}

void compareSlice(CaseResult& result, const std::vector<float>& got,
                  const std::vector<double>& want, int n, int channels, int hw, int total,
                  int offset, float sentinel, const std::function<double(size_t)>& bound) {
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < total; ++c)
      for (int i = 0; i < hw; ++i) {
        const float value = got[(size_t(b) * total + c) * hw + i];
        const int local = c - offset;
        if (local < 0 || local >= channels) {
          if (value != sentinel && result.ok) {
            result.ok = false;
            result.failure =
                "wrote outside its channels at n=" + std::to_string(b) + " c=" + std::to_string(c);
          }
          continue;
        }
        const size_t index = (size_t(b) * channels + local) * hw + i;
        const double error = std::fabs(double(value) - want[index]);
        // NaN and infinity count as an infinite error.
        const double counted = std::isfinite(error) ? error : HUGE_VAL;
        result.maxError = std::max(result.maxError, counted);
        const double limit = bound(index);
        if (limit > 0) result.maxRatio = std::max(result.maxRatio, counted / limit);
        if (!(error <= limit) && result.ok) {
          result.ok = false;
          result.failure = "n=" + std::to_string(b) + " c=" + std::to_string(local) +
                           " pixel=" + std::to_string(i) + ": " + std::to_string(value) +
                           " where the reference is " + std::to_string(want[index]) + " (bound " +
                           std::to_string(limit) + ")";
        }
      }
}

}  // namespace detail

using namespace detail;

CaseRunner::CaseRunner(vk::Device& device, vk::KernelCache& kernels, const RunSetup& setup)
    : device_(device), kernels_(kernels), setup_(setup) {}

CaseRunner::~CaseRunner() = default;

CaseRunner::Pending& CaseRunner::add(const std::string& name) {
  pending_.push_back(std::make_unique<Pending>());
  pending_.back()->result.name = name;
  // Cases keep references to their buffers: no case holds more than 8.
  pending_.back()->buffers.reserve(8);
  return *pending_.back();
}

void CaseRunner::addConv(const ConvCase& c) {
  addConvOf(c, false);
}

void CaseRunner::addWinograd(const ConvCase& c) {
  addConvOf(c, true);
}

void CaseRunner::addConvOf(const ConvCase& c, bool winograd) {
  const ops::Precision precision = setup_.precision;
  const ops::ConvGeometry g = geometryOf(c);
  const RefConv rc = refConvOf(c);
  const int oh = rc.outH(), ow = rc.outW(), ohw = oh * ow;
  const ops::WinogradPlan plan = ops::winogradPlanFor(g, oh, ow, setup_.winograd);
  if (winograd && !plan.enabled()) return;
  Pending& p = add(std::string(winograd ? "winograd " : "conv ") + c.name);
  const int total = std::max(c.outCTotal, c.outC);
  const int K = c.inC * c.kh * c.kw;
  auto x = roundedTo(precision, randomVector(size_t(c.batch) * c.inC * c.inH * c.inW, 1));
  auto w = roundedTo(precision, randomVector(size_t(c.outC) * K, 2, -1.0f / std::sqrt(float(K)),
                                             1.0f / std::sqrt(float(K))));
  auto bias = randomVector(c.outC, 3, -0.1f, 0.1f);
  std::vector<float> residual;
  if (c.residual) residual = roundedTo(precision, randomVector(size_t(c.batch) * c.outC * ohw, 4));
  auto ref = std::make_shared<RefResult>(referenceConv(rc, x, w, bias, residual, c.scale, c.relu));
  if (winograd && !useWinogradErrorScale(rc, plan, x, w, bias, residual, c.scale, *ref)) return;

  // The packed weights, then the fp32 bias at the next binding alignment, in one buffer, as
  // graph::WeightStore packs them: storage-read convolutions bind both as one range.
  const std::vector<float> packed =
      roundedTo(precision, winograd ? ops::packWinogradWeights(w, c.outC, c.inC, plan)
                                    : ops::packConvWeights(w, c.outC, c.inC, c.kh, c.kw));
  std::vector<uint8_t> bytes = tensorBytes(packed, precision);
  const VkDeviceSize weightBytes = bytes.size();
  const VkDeviceSize alignment = device_.info().bindingAlignment();
  const VkDeviceSize biasAt = (weightBytes + alignment - 1) / alignment * alignment;
  const std::vector<float> paddedBias = ops::padBias(bias, c.outC);
  bytes.resize(biasAt, 0);
  const auto* b = reinterpret_cast<const uint8_t*>(paddedBias.data());
  bytes.insert(bytes.end(), b, b + paddedBias.size() * sizeof(float));
  p.buffers.push_back(uploadBytes(device_, bytes));
  const vk::Buffer& weights = p.buffers.back();
  const vk::BufferSlice weightSlice{weights.handle(), 0, weightBytes};
  const vk::BufferSlice biasSlice{weights.handle(), biasAt, paddedBias.size() * sizeof(float)};

  // The residual lives in the same channel slice of its own larger tensor as the output.
  std::vector<float> placed(size_t(c.batch) * total * ohw, 0.0f);
  for (int n = 0; n < c.batch && c.residual; ++n)
    for (int ch = 0; ch < c.outC; ++ch)
      for (int i = 0; i < ohw; ++i)
        placed[(size_t(n) * total + c.outCOffset + ch) * ohw + i] =
            residual[(size_t(n) * c.outC + ch) * ohw + i];
  p.buffers.push_back(uploadTensor(device_, toDevice(x, c.batch, c.inC, c.inH * c.inW), precision));
  const ops::TensorRef in = tensorRef(p.buffers.back(), c.batch, c.inC, c.inH, c.inW, 0, precision);
  p.buffers.push_back(uploadTensor(
      device_, std::vector<float>(deviceCount(c.batch, total, ohw), kSentinel), precision));
  const vk::Buffer& yb = p.buffers.back();
  const ops::TensorRef out = tensorRef(yb, c.batch, c.outC, oh, ow, c.outCOffset, precision);
  p.buffers.push_back(uploadTensor(device_, toDevice(placed, c.batch, total, ohw), precision));
  const ops::TensorRef res =
      tensorRef(p.buffers.back(), c.batch, c.outC, oh, ow, c.outCOffset, precision);
  const ops::ConvEpilogue epilogue{c.relu ? ops::Activation::Relu : ops::Activation::None, c.scale,
                                   c.residual ? &res : nullptr};
  const vk::DeviceInfo& info = device_.info();
  try {
    if (winograd) {
      // The intermediate tensors start as NaN: nothing may read what a stage did not write.
      const int tiles = plan.tilesH(oh) * plan.tilesW(ow);
      const float nan = std::numeric_limits<float>::quiet_NaN();
      const int transformedC = plan.points() * c.inC, productsC = plan.points() * c.outC;
      p.buffers.push_back(uploadTensor(
          device_, std::vector<float>(deviceCount(c.batch, transformedC, tiles), nan), precision));
      const ops::TensorRef transformed = tensorRef(p.buffers.back(), c.batch, transformedC,
                                                   plan.tilesH(oh), plan.tilesW(ow), 0, precision);
      p.buffers.push_back(uploadTensor(
          device_, std::vector<float>(deviceCount(c.batch, productsC, tiles), nan), precision));
      const ops::TensorRef products = tensorRef(p.buffers.back(), c.batch, productsC,
                                                plan.tilesH(oh), plan.tilesW(ow), 0, precision);
      p.dispatches = {
          ops::winogradInputDispatch(kernels_, info, in, g, plan, transformed),
          ops::conv1x1Dispatch(kernels_, info, transformed, weightSlice, vk::BufferSlice{},
                               products, ops::ConvEpilogue{ops::Activation::None, 1.0f, nullptr},
                               setup_.tiling, plan.points()),
          ops::winogradOutputDispatch(kernels_, info, products, plan, biasSlice, out, epilogue)};
    } else {
      const ops::ConvPlan convPlan =
          ops::convPlanFor(kernels_, info, in, g, out, setup_.tiling, epilogue.residual);
      const size_t workspaceFloats = std::max<uint64_t>(convPlan.workspaceBytes / 4, 1);
      p.buffers.push_back(uploadTensor(
          device_, std::vector<float>(workspaceFloats, std::numeric_limits<float>::quiet_NaN()),
          ops::Precision::Fp32));
      p.dispatches = ops::conv2dDispatches(kernels_, info, in, g, weightSlice, biasSlice, out,
                                           epilogue, setup_.tiling,
                                           {p.buffers.back().handle(), 0, convPlan.workspaceBytes});
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::UnsupportedDevice) throw;
    p.result.ok = p.result.planned = false;
    p.result.failure = e.what();
    return;
  }
  const int outC = c.outC, batch = c.batch, outCOffset = c.outCOffset;
  vk::Device& device = device_;
  p.check = [=, &device, &yb](CaseResult& r) {
    auto y = fromDevice(downloadTensor(device, yb, deviceCount(batch, total, ohw), precision),
                        batch, total, ohw);
    compareSlice(r, y, ref->value, batch, outC, ohw, total, outCOffset, [&](size_t o) {
      return fp32Bound(ref->magnitude[o], ref->terms[o]) + fp16Share(precision, ref->magnitude[o]);
    });
  };
}

void CaseRunner::addPool(const PoolCase& c) {
  const ops::Precision precision = setup_.precision;
  Pending& p = add("pool " + c.name);
  auto x = roundedTo(precision, randomVector(size_t(c.batch) * c.channels * c.height * c.width, 5));
  int oh = 0, ow = 0;
  auto ref = std::make_shared<std::vector<double>>(referencePool(
      x, c.batch, c.channels, c.height, c.width, c.kernel, c.stride, c.pad, c.mode, &oh, &ow));
  const int total = std::max(c.outCTotal, c.channels), ohw = oh * ow;
  p.buffers.push_back(
      uploadTensor(device_, toDevice(x, c.batch, c.channels, c.height * c.width), precision));
  const ops::TensorRef in =
      tensorRef(p.buffers.back(), c.batch, c.channels, c.height, c.width, 0, precision);
  p.buffers.push_back(uploadTensor(
      device_, std::vector<float>(deviceCount(c.batch, total, ohw), kSentinel), precision));
  const vk::Buffer& yb = p.buffers.back();
  const ops::PoolMode mode = c.mode == RefPool::Max             ? ops::PoolMode::Max
                             : c.mode == RefPool::AvgExcludePad ? ops::PoolMode::AverageExcludePad
                                                                : ops::PoolMode::AverageIncludePad;
  try {
    p.dispatches = {ops::pool2dDispatch(
        kernels_, device_.info(), in, {c.kernel, c.stride, c.pad}, mode,
        tensorRef(yb, c.batch, c.channels, oh, ow, c.outCOffset, precision), setup_.tiling.atOnce)};
  } catch (const Error& e) {
    if (e.code() != ErrorCode::UnsupportedDevice) throw;
    p.result.ok = p.result.planned = false;
    p.result.failure = e.what();
    return;
  }
  const PoolCase pc = c;
  vk::Device& device = device_;
  p.check = [=, &device, &yb](CaseResult& r) {
    auto y = fromDevice(downloadTensor(device, yb, deviceCount(pc.batch, total, ohw), precision),
                        pc.batch, total, ohw);
    // Max is exact. An average of <= 9 values in [-1, 1): 9 additions and a division, each off
    // by at most half an ulp of a value <= 9: 10 * 9 * 2^-24; fp16 stores it within 2 * 2^-11.
    compareSlice(r, y, *ref, pc.batch, pc.channels, ohw, total, pc.outCOffset, [&](size_t i) {
      if (pc.mode == RefPool::Max) return 0.0;
      return 10 * 9 * std::ldexp(1.0, -24) + fp16Share(precision, (*ref)[i]) / 2;
    });
  };
}

std::vector<CaseResult> CaseRunner::run() {
  {
    vk::DescriptorArena arena(device_.handle());
    vk::OneShotCommands commands(device_);
    bool first = true;
    for (const auto& p : pending_) {
      for (const vk::Dispatch& d : p->dispatches) {
        if (!first) vk::recordMemoryBarrier(commands.handle());
        first = false;
        vk::recordDispatch(commands.handle(), arena.allocate(d), d);
        p->result.kernels.insert(d.kernel->key.shader);
      }
    }
    if (!first) commands.submitAndWait();
  }
  std::vector<CaseResult> results;
  for (const auto& p : pending_) {
    if (p->check) p->check(p->result);
    results.push_back(p->result);
  }
  pending_.clear();
  return results;
}

}  // namespace vkc::selftest
