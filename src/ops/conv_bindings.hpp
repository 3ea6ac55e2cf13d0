#pragma once
// What the convolution dispatches share (ops/conv2d.cpp, ops/conv_igemm.cpp,
// ops/conv_regtile.cpp): the tensors' push constants as shaders/conv_io.glsl and
// conv2d_igemm.comp read them, and the buffers they bind.
#include <vector>

#include "ops/conv2d.hpp"

namespace vkc::ops {

// The tensors, the first members of every convolution kernel's push constants.
struct ConvTensors {
  int batch, inC, inH, inW;
  int outC, outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset;
};
ConvTensors convTensors(const TensorRef& in, const TensorRef& out, const ConvGeometry& g);

// Throws unless input, output and residual have one precision.
void checkOperands(const TensorRef& in, const TensorRef& out, const ConvEpilogue& epilogue);

// The buffers of a convolution dispatch (shaders/conv_io.glsl): x, weights, bias, output,
// residual through texel reads; through storage reads the weights binding also covers the bias,
// which must follow the weights in their buffer (graph::WeightStore packs them so), and sets
// `epilogue.biasOffset`: 4 storage buffers, the Vulkan 1.1 minimum per stage.
std::vector<vk::BufferSlice> convBuffers(bool storage, vk::BufferSlice x, vk::BufferSlice weights,
                                         vk::BufferSlice bias, const TensorRef& out,
                                         const TensorRef* residual, EpiloguePush& epilogue);

// The route of a convolution as planConv sees its tensors.
ConvShape convShapeOf(const TensorRef& in, const ConvGeometry& g, const TensorRef& out,
                      const TensorRef* residual);

// conv2d_igemm.comp, and conv2d_igemm_reduce.comp after it where the plan splits K: one or two
// dispatches, in order, a memory barrier between them. `workspace`: plan.workspaceBytes.
std::vector<vk::Dispatch> igemmDispatches(vk::KernelCache& kernels, const TensorRef& in,
                                          const ConvGeometry& g, vk::BufferSlice packedWeights,
                                          vk::BufferSlice bias, const TensorRef& out,
                                          const ConvEpilogue& epilogue, const ConvPlan& plan,
                                          vk::BufferSlice workspace);

// conv2d_regtile.comp on the plan's register tile: one dispatch, reading through the path
// readPathFor chooses for its views.
vk::Dispatch regtileDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                             const TensorRef& in, const ConvGeometry& g,
                             vk::BufferSlice packedWeights, vk::BufferSlice bias,
                             const TensorRef& out, const ConvEpilogue& epilogue,
                             const ConvPlan& plan);

}  // namespace vkc::ops
