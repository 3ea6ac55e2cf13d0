#version 450
// Convolution as implicit GEMM over CNHW (see common.glsl): M = output channels, N = output pixels x batch,
// K = input channels x KH x KW. Each invocation computes 8 output channels (two vec4
// accumulators) for TN output pixels spaced one workgroup-width apart, so neighbouring lanes
// read neighbouring pixels. Weights are pre-packed per block of 8 output channels as
// [K][8] (see ops/conv2d.cpp), so every lane of a workgroup reads the same two vec4 per tap.
// Epilogue: out = act(residual + scale * (acc + bias)), written at a channel offset so that
// branches write straight into their slice of a concat.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int KH = 1;
layout(constant_id = 4) const int KW = 1;
layout(constant_id = 5) const int SH = 1;
layout(constant_id = 6) const int SW = 1;
layout(constant_id = 7) const int TN = 4;         // output pixels per invocation
layout(constant_id = 8) const bool PADDED = false; // any tap can fall outside the image

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Weights { vec4 w[]; };
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

void main() {
  const int lanes = int(gl_WorkGroupSize.x);
  const int outHW = p.outH * p.outW;
  const int inHW = p.inH * p.inW;
  const int pixels = p.batch * outHW;
  const int block = int(gl_WorkGroupID.y);
  const int K = p.inC * KH * KW;

  int inBase[TN];   // offset of input channel 0 at the top-left tap of this output pixel
  int ih0[TN], iw0[TN];
  vec4 acc0[TN], acc1[TN];
  for (int t = 0; t < TN; ++t) {
    int pixel = min(int(gl_WorkGroupID.x) * lanes * TN + t * lanes + int(gl_LocalInvocationID.x),
                    pixels - 1);
    int n = pixel / outHW, rem = pixel % outHW;
    ih0[t] = (rem / p.outW) * SH - p.padTop;
    iw0[t] = (rem % p.outW) * SW - p.padLeft;
    inBase[t] = tensorIndex(p.inOffset, 0, n, p.batch, inHW, ih0[t] * p.inW + iw0[t]);
    acc0[t] = vec4(0.0);
    acc1[t] = vec4(0.0);
  }

  int wi = block * K * 2;
  for (int ci = 0; ci < p.inC; ++ci) {
    const int channelBase = ci * p.batch * inHW;
    for (int ky = 0; ky < KH; ++ky) {
      for (int kx = 0; kx < KW; ++kx) {
        vec4 w0 = w[wi], w1 = w[wi + 1];
        wi += 2;
        for (int t = 0; t < TN; ++t) {
          float v;
          if (PADDED) {
            int ih = ih0[t] + ky, iw = iw0[t] + kx;
            bool inside = ih >= 0 && ih < p.inH && iw >= 0 && iw < p.inW;
            v = inside ? x[inBase[t] + channelBase + ky * p.inW + kx] : 0.0;
          } else {
            v = x[inBase[t] + channelBase + ky * p.inW + kx];
          }
          acc0[t] = fma(vec4(v), w0, acc0[t]);
          acc1[t] = fma(vec4(v), w1, acc1[t]);
        }
      }
    }
  }

  const bool relu = (p.flags & 1) != 0;
  const bool residual = (p.flags & 2) != 0;
  for (int t = 0; t < TN; ++t) {
    int pixel = int(gl_WorkGroupID.x) * lanes * TN + t * lanes + int(gl_LocalInvocationID.x);
    if (pixel >= pixels) continue;
    int n = pixel / outHW, rem = pixel % outHW;
    for (int j = 0; j < 8; ++j) {
      int co = block * 8 + j;
      if (co >= p.outC) break;
      float v = (j < 4 ? acc0[t][j] : acc1[t][j - 4]) + bias[co];
      if (residual) {
        v = res[tensorIndex(p.resOffset, co, n, p.batch, outHW, rem)] + p.scale * v;
      }
      if (relu) v = max(v, 0.0);
      y[tensorIndex(p.outOffset, co, n, p.batch, outHW, rem)] = v;
    }
  }
}
