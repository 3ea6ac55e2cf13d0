// The register-tiled convolution's dispatch (shaders/conv2d_regtile.comp): ops/conv_plan.hpp
// chooses the tile.
#include <initializer_list>

#include "ops/conv_bindings.hpp"

namespace vkc::ops {
namespace {

// conv2d_regtile.comp's push constants (shaders/conv_io.glsl).
struct RegtilePush {
  ConvTensors tensors;
  EpiloguePush epilogue;
};

}  // namespace

vk::Dispatch regtileDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                             const TensorRef& in, const ConvGeometry& g,
                             vk::BufferSlice packedWeights, vk::BufferSlice bias,
                             const TensorRef& out, const ConvEpilogue& epilogue,
                             const ConvPlan& plan) {
  checkOperands(in, out, epilogue);
  const ConvShape shape = convShapeOf(in, g, out, epilogue.residual);
  const RegtileTile& t = plan.regtile;
  const bool padded = g.padTop || g.padBottom || g.padLeft || g.padRight;
  const vk::BufferSlice x = readSlice(in, 1);
  const std::initializer_list<ReadView> views = {{x.range, 1, in.precision},
                                                 {packedWeights.range, 4, in.precision}};
  const ReadPath reads = readPathFor(kernels, device, views, "conv2d_regtile");
  vk::Dispatch d;
  RegtilePush push{convTensors(in, out, g), epiloguePush(epilogue, bias.range > 0)};
  d.buffers = convBuffers(reads == ReadPath::StorageBuffers, x, packedWeights, bias, out,
                          epilogue.residual, push.epilogue);
  d.setPush(push);
  d.kernel =
      &kernels.get({shaderFor("conv2d_regtile", in.precision, reads),
                    {uint32_t(t.threads), 1, 1},
                    {uint32_t(t.tm), uint32_t(t.tn), uint32_t(g.kernelH), uint32_t(g.kernelW),
                     uint32_t(g.strideH), uint32_t(g.strideW), uint32_t(padded)},
                    uint32_t(d.buffers.size()),
                    sizeof(RegtilePush),
                    readFormats(reads, views),
                    texelDescriptorType(reads)});
  const uint64_t pixelsPerGroup = uint64_t(t.threads) * t.tn;
  d.groups = vk::foldedGroups(vk::divUp(shape.gemmN(), pixelsPerGroup),
                              vk::divUp(shape.gemmM(), t.tm), 1, *d.kernel, 2);
  return d;
}

}  // namespace vkc::ops
