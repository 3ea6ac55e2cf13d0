#include "ops/epilogue.hpp"

namespace vkc::ops {
namespace {

// The flag bits of shaders/epilogue.glsl.
constexpr int32_t kRelu = 1, kResidual = 2, kNoBias = 4;

}  // namespace

EpiloguePush epiloguePush(const ConvEpilogue& epilogue, bool addBias) {
  const TensorRef* residual = epilogue.residual;
  const int32_t flags = (epilogue.activation == Activation::Relu ? kRelu : 0) |
                        (residual ? kResidual : 0) | (addBias ? 0 : kNoBias);
  return {flags, epilogue.residualScale, residual ? int32_t(residual->elementOffset) : 0, 0};
}

}  // namespace vkc::ops
