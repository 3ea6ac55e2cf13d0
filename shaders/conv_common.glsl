// Shared by conv2d.comp and conv2d_rows.comp: specialization constants, bindings, push
// constants and the fused epilogue out = act(residual + scale * (acc + bias)).
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int KH = 1;
layout(constant_id = 4) const int KW = 1;
layout(constant_id = 5) const int SH = 1;
layout(constant_id = 6) const int SW = 1;
layout(constant_id = 7) const int TN = 4;          // output pixels per invocation
layout(constant_id = 8) const bool PADDED = false;  // any tap can fall outside the image

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Weights { vec4 w[]; };  // [block][K][8]
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) buffer Output { float y[]; };
layout(std430, binding = 4) readonly buffer Residual { float res[]; };

layout(push_constant) uniform Params {
  int batch, inC, inH, inW;
  int outC, outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset, resOffset;
  int flags;  // bit 0: ReLU, bit 1: residual
  float scale;
} p;

// Writes the 8 output channels of `block` for pixel `rem` of image `n`.
void storeOutputs(int block, int n, int rem, vec4 acc0, vec4 acc1) {
  const int outHW = p.outH * p.outW;
  const bool relu = (p.flags & 1) != 0;
  const bool residual = (p.flags & 2) != 0;
  for (int j = 0; j < 8; ++j) {
    int co = block * 8 + j;
    if (co >= p.outC) break;
    float v = (j < 4 ? acc0[j] : acc1[j - 4]) + bias[co];
    if (residual) v = res[tensorIndex(p.resOffset, co, n, p.batch, outHW, rem)] + p.scale * v;
    if (relu) v = max(v, 0.0);
    y[tensorIndex(p.outOffset, co, n, p.batch, outHW, rem)] = v;
  }
}
