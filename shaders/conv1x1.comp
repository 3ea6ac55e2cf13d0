#version 450
// 1x1 stride-1 convolution: each invocation computes 8 output channels for TQ groups of 4
// consecutive pixels, read and written as aligned vec4 (channel planes are padded to a
// multiple of 4, see common.glsl). Per input channel that is TQ + 2 loads for 8 x TQ vec4 FMAs,
// where reading pixels one at a time needs 4 x TQ + 2: loads bound convolutions on CPU drivers. Pixels of the
// padding are computed too and land in the padding. Weights are packed as for every convolution (ops/conv2d.cpp).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int TQ = 2;  // pixel quads per invocation

layout(std430, binding = 0) readonly buffer Input { vec4 x[]; };
layout(std430, binding = 1) readonly buffer Weights { vec4 w[]; };  // [block][K][8]
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) buffer Output { vec4 y[]; };
layout(std430, binding = 4) readonly buffer Residual { vec4 res[]; };

layout(push_constant) uniform Params {
  int batch, inC, inH, inW;
  int outC, outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset, resOffset;  // multiples of 4 (checked on the host)
  int flags;                           // bit 0: ReLU, bit 1: residual
  float scale;
} p;

void main() {
  const int lanes = int(gl_WorkGroupSize.x);
  const int quads = planeSize(p.batch, p.inH * p.inW) / 4;
  const int block = int(gl_WorkGroupID.y);
  int quad[TQ];
  vec4 acc[TQ][8];
  [[unroll]] for (int t = 0; t < TQ; ++t) {
    quad[t] = min(int(gl_WorkGroupID.x) * lanes * TQ + t * lanes + int(gl_LocalInvocationID.x),
                  quads - 1);
    [[unroll]] for (int j = 0; j < 8; ++j) acc[t][j] = vec4(0.0);
  }
  int wi = block * p.inC * 2;
  int xi = p.inOffset / 4;
  for (int ci = 0; ci < p.inC; ++ci) {
    vec4 w0 = w[wi], w1 = w[wi + 1];
    wi += 2;
    [[unroll]] for (int t = 0; t < TQ; ++t) {
      vec4 v = x[xi + quad[t]];
      acc[t][0] = fma(v, vec4(w0.x), acc[t][0]);
      acc[t][1] = fma(v, vec4(w0.y), acc[t][1]);
      acc[t][2] = fma(v, vec4(w0.z), acc[t][2]);
      acc[t][3] = fma(v, vec4(w0.w), acc[t][3]);
      acc[t][4] = fma(v, vec4(w1.x), acc[t][4]);
      acc[t][5] = fma(v, vec4(w1.y), acc[t][5]);
      acc[t][6] = fma(v, vec4(w1.z), acc[t][6]);
      acc[t][7] = fma(v, vec4(w1.w), acc[t][7]);
    }
    xi += quads;
  }

  const bool relu = (p.flags & 1) != 0;
  const bool residual = (p.flags & 2) != 0;
  [[unroll]] for (int t = 0; t < TQ; ++t) {
    if (int(gl_WorkGroupID.x) * lanes * TQ + t * lanes + int(gl_LocalInvocationID.x) >= quads)
      break;
    [[unroll]] for (int j = 0; j < 8; ++j) {
      int co = block * 8 + j;
      if (co >= p.outC) break;
      vec4 v = acc[t][j] + vec4(bias[co]);
      if (residual) v = res[p.resOffset / 4 + co * quads + quad[t]] + p.scale * v;
      if (relu) v = max(v, vec4(0.0));
      y[p.outOffset / 4 + co * quads + quad[t]] = v;
    }
  }
}
