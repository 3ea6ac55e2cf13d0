// The implicit-GEMM convolution's dispatches (shaders/conv2d_igemm.comp, and
// conv2d_igemm_reduce.comp where K is split): ops/conv_plan.hpp chooses the tile and the split.
#include <string>

#include "ops/conv_bindings.hpp"
#include "vkception/error.hpp"

namespace vkc::ops {
namespace {

// conv2d_igemm.comp's push constants.
struct IgemmPush {
  ConvTensors tensors;
  int sliceK;
  EpiloguePush epilogue;
};
static_assert(sizeof(IgemmPush) == 64, "must match shaders/conv2d_igemm.comp");

// conv2d_igemm_reduce.comp's.
struct ReducePush {
  int m, n, slices, outOffset;
  EpiloguePush epilogue;
};

constexpr uint32_t kReduceWorkgroup = 64;

}  // namespace

std::vector<vk::Dispatch> igemmDispatches(vk::KernelCache& kernels, const TensorRef& in,
                                          const ConvGeometry& g, vk::BufferSlice packedWeights,
                                          vk::BufferSlice bias, const TensorRef& out,
                                          const ConvEpilogue& epilogue, const ConvPlan& plan,
                                          vk::BufferSlice workspace) {
  checkOperands(in, out, epilogue);
  const ConvShape shape = convShapeOf(in, g, out, epilogue.residual);
  const bool split = plan.splitK > 1;
  if (split && workspace.range < plan.workspaceBytes) {
    throw Error("conv2d: split-K needs a workspace of " + std::to_string(plan.workspaceBytes) +
                " bytes, got " + std::to_string(workspace.range));
  }
  const Precision precision = in.precision;
  const IgemmTile& t = plan.tile;
  const bool padded = g.padTop || g.padBottom || g.padLeft || g.padRight;

  vk::Dispatch gemm;
  IgemmPush push{convTensors(in, out, g), plan.sliceK, epiloguePush(epilogue, bias.range > 0)};
  gemm.buffers = convBuffers(true, readSlice(in, 1), packedWeights, bias, out, epilogue.residual,
                             push.epilogue);
  if (split) gemm.buffers[2] = workspace;
  gemm.setPush(push);
  gemm.kernel =
      &kernels.get({usableBuild(kernels, "conv2d_igemm", precision),
                    {uint32_t(t.threads()), 1, 1},
                    {uint32_t(t.bm), uint32_t(t.bn), uint32_t(t.bk), uint32_t(t.tm), uint32_t(t.tn),
                     uint32_t(g.kernelH), uint32_t(g.kernelW), uint32_t(g.strideH),
                     uint32_t(g.strideW), uint32_t(padded), uint32_t(split)},
                    uint32_t(gemm.buffers.size()),
                    sizeof(IgemmPush)});
  const uint32_t mTiles = vk::divUp(shape.gemmM(), t.bm);
  gemm.groups =
      vk::foldedGroups(vk::divUp(shape.gemmN(), t.bn), 1, mTiles * plan.splitK, *gemm.kernel, 1);
  if (!split) return {gemm};

  // The reduce binds the bias on its own (offset 0), and reads the workspace as written.
  vk::Dispatch reduce;
  ReducePush reducePush{int(shape.gemmM()), int(shape.gemmN()), plan.splitK, out.elementOffset,
                        epiloguePush(epilogue, bias.range > 0)};
  reducePush.epilogue.biasOffset = 0;
  const TensorRef* residual = epilogue.residual;
  reduce.buffers = {workspace, bias.range > 0 ? bias : packedWeights, out.slice,
                    residual ? residual->slice : out.slice};
  reduce.setPush(reducePush);
  reduce.kernel = &kernels.get({usableBuild(kernels, "conv2d_igemm_reduce", precision),
                                {kReduceWorkgroup, 1, 1},
                                {},
                                uint32_t(reduce.buffers.size()),
                                sizeof(ReducePush)});
  reduce.groups =
      vk::foldedGroups(vk::divUp(uint64_t(shape.gemmM()) * shape.gemmN(), kReduceWorkgroup), 1, 1,
                       *reduce.kernel, 1);
  return {gemm, reduce};
}

}  // namespace vkc::ops
