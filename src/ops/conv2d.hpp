#pragma once
// Convolution with folded batch-norm, fused ReLU and the fused scaled residual epilogue
// out = act(residual + scale * (conv(x) + bias)); also serves fully-connected layers as a 1x1
// convolution over a 1x1 grid.
#include <vector>

#include "ops/tensor_ref.hpp"
#include "vk/device_info.hpp"

namespace vkc::ops {

enum class Activation { None, Relu };

struct ConvGeometry {
  int kernelH = 1, kernelW = 1;
  int strideH = 1, strideW = 1;
  int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
};

// "valid": no padding. "same" follows TF/timm: total padding max((ceil(in/s)-1)*s + k - in, 0),
// the odd pixel going to the bottom/right; for stride 1 and odd k that is (k-1)/2 per side.
ConvGeometry validGeometry(int kernelH, int kernelW, int stride);
ConvGeometry sameGeometry(int kernelH, int kernelW, int stride, int inH, int inW);
int convOutputSize(int in, int kernel, int stride, int padBefore, int padAfter);

// Weights as the shader reads them: per block of 8 output channels, [K][8] with
// K = in * kh * kw in PyTorch order; output channels padded with zeros to a multiple of 8.
// Output pixels per line segment (4..12) for a line of `outW` outputs: the length that
// computes the fewest outputs past the end, the longer one on a tie.
int lineSegmentLength(int outW);

std::vector<float> packConvWeights(const std::vector<float>& weights, int outC, int inC,
                                   int kernelH, int kernelW);
std::vector<float> padBias(const std::vector<float>& bias, int outC);

// BatchNorm (eval) folded into the preceding convolution: w' = w * g, b' = beta + (b - mean) * g,
// g = gamma / sqrt(var + eps), computed in double.
void foldBatchNorm(std::vector<float>& weights, std::vector<float>& bias,
                   const std::vector<float>& gamma, const std::vector<float>& beta,
                   const std::vector<float>& mean, const std::vector<float>& var, double eps);

struct ConvEpilogue {
  Activation activation = Activation::Relu;
  float residualScale = 1.0f;
  const TensorRef* residual = nullptr;  // same shape as the output
};

vk::Dispatch conv2dDispatch(vk::KernelCache& kernels, const vk::DeviceInfo& device,
                            const TensorRef& in, const ConvGeometry& geometry,
                            vk::BufferSlice packedWeights, vk::BufferSlice bias,
                            const TensorRef& out, const ConvEpilogue& epilogue);

}  // namespace vkc::ops
