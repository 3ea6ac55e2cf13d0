// What the two convolution kernels share (ops/conv2d.cpp, ConvPush): input x and weights w
// through VKC_READ bindings (common.glsl), bias, output, residual, and the push constants.
// Through storage reads the bias lies after the packed weights in the weights' own binding, seen
// a second time as floats (Vulkan lets variables alias one binding), so that a convolution with
// bias and residual binds 4 storage buffers, the Vulkan 1.1 minimum per stage, not 5.
// Define CONV_VEC4_IO first for vec4 input, output and residual (conv1x1.comp), CONV_RUNTIME_SHAPE
// for the kernel size and stride as push constants (conv2d_at_once.comp).
#ifdef CONV_VEC4_IO
VKC_READ4(0, x)  // 4 pixels of one channel per element (rgba32f / rgba16f as texels)
#define CONV_OUT ACT4
#else
VKC_READ1(0, x)  // one element (r32f / r16f as texels)
#define CONV_OUT ACT
#endif
VKC_READ4(1, w)  // [block][K][32], ops/conv2d.cpp
#ifdef VKC_STORAGE_READS
layout(std430, binding = 1) readonly buffer WeightsAsFloats { float weightFloats[]; };
#define convBias(co) weightFloats[p.epilogue.biasOffset + (co)]
layout(std430, binding = 2) buffer Output { CONV_OUT y[]; };
layout(std430, binding = 3) readonly buffer Residual { CONV_OUT res[]; };
#else
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
#define convBias(co) bias[co]
layout(std430, binding = 3) buffer Output { CONV_OUT y[]; };
layout(std430, binding = 4) readonly buffer Residual { CONV_OUT res[]; };
#endif

#include "epilogue.glsl"

struct ConvShape {
  int kernelH, kernelW, strideH, strideW;
};

layout(push_constant) uniform Params {
  int batch, inC, inH, inW;
  int outC, outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset;  // conv1x1: multiples of 4 (checked on the host), as is resOffset
#ifdef CONV_RUNTIME_SHAPE
  ConvShape shape;
#endif
  Epilogue epilogue;
} p;
