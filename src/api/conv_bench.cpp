// Context::benchmarkConvolution: one direct convolution as a graph of its own, timed alone
// (vkc-bench --layers), and the text of a convolution's plan (Network::profile).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>

#include "api/impl.hpp"
#include "graph/builder.hpp"

namespace vkc {

std::string convPlanText(const ops::ConvPlan& plan) {
  std::string text = ops::convRouteName(plan.route);
  if (plan.route == ops::ConvRoute::Igemm) {
    text += " " + std::to_string(plan.tile.bm) + "x" + std::to_string(plan.tile.bn) + "x" +
            std::to_string(plan.tile.bk);
  }
  if (plan.route == ops::ConvRoute::Regtile) {
    text += " " + std::to_string(plan.regtile.tm) + "x" + std::to_string(plan.regtile.tn) + "/" +
            std::to_string(plan.regtile.threads);
  }
  if (plan.splitK > 1) text += " split " + std::to_string(plan.splitK);
  return text;
}

ConvLayerTiming Context::benchmarkConvolution(const ConvLayer& layer, int batch, int runs) {
  if (batch < 1 || runs < 1) {
    throw Error("benchmarkConvolution: batch and runs must be at least 1", ErrorCode::BadArgument);
  }
  vk::Device& device = *impl_->device;
  std::mt19937 rng(1234);
  auto random = [&](size_t n, float scale) {
    std::uniform_real_distribution<float> u(-scale, scale);
    std::vector<float> v(n);
    for (float& x : v)
      x = u(rng);
    return v;
  };
  graph::GraphBuilder b;
  const int x = b.input(layer.inChannels, layer.height, layer.width);
  const int fanIn = layer.inChannels * layer.kernelH * layer.kernelW;
  const int y = b.conv(
      layer.name.empty() ? "conv" : layer.name, x,
      {layer.outChannels, layer.kernelH, layer.kernelW, layer.stride,
       layer.samePadding ? graph::Padding::Same : graph::Padding::Valid, ops::Activation::Relu},
      random(size_t(layer.outChannels) * fanIn, 1.0f / std::sqrt(float(fanIn))),
      random(layer.outChannels, 0.1f));
  const graph::Graph g = b.finish(y);
  const int node = g.tensors[y].producer;
  graph::WeightStore weights(device, g);
  graph::ProgramOptions po;
  po.profile = device.info().timestamps;
  graph::Program program(device, g, weights, batch, po);

  ConvLayerTiming t;
  t.outHeight = g.tensors[y].height;
  t.outWidth = g.tensors[y].width;
  if (const ops::ConvPlan* plan = program.convPlan(node)) {
    t.route = ops::convRouteName(plan->route);
    if (plan->route == ops::ConvRoute::Igemm) {
      t.tileM = plan->tile.bm, t.tileN = plan->tile.bn, t.tileK = plan->tile.bk;
    }
    if (plan->route == ops::ConvRoute::Regtile) {
      t.tileM = plan->regtile.tm, t.tileN = plan->regtile.tn;
    }
    t.splitK = plan->splitK;
  }
  t.gflop = g.nodeFlopsPerImage(node) * batch * 1e-9;
  t.gpuTimestamps = po.profile;
  std::vector<float> input = random(program.inputCount(), 1.0f);
  std::vector<float> output(program.outputCount());
  program.run(input.data(), output.data());  // untimed: pipelines compile on first use
  t.ms = std::numeric_limits<double>::infinity();
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    program.run(input.data(), output.data());
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (po.profile) {
      ms = 0;
      for (const graph::NodeTiming& n : program.nodeTimings())
        ms += n.ms;
    }
    t.ms = std::min(t.ms, ms);
  }
  return t;
}

}  // namespace vkc
