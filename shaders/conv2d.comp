#version 450
// Convolution as implicit GEMM over CNHW (see common.glsl): M = output channels,
// N = output pixels x batch, K = input channels x KH x KW. Used for one-column kernels (1x1,
// 7x1, 3x1; wider ones use conv2d_rows.comp). Each invocation computes 8 output channels (two
// vec4 accumulators) for TN output pixels spaced one workgroup-width apart, so neighbouring
// lanes read neighbouring pixels. Weights are pre-packed per block of 8 output channels as
// [K][8] (see ops/conv2d.cpp), so every lane of a workgroup reads the same two vec4 per tap.
// Epilogue: out = act(residual + scale * (acc + bias)), written at a channel offset so that
// branches write straight into their slice of a concat.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "conv_common.glsl"

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
  [[unroll]] for (int t = 0; t < TN; ++t) {
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
    const int channelBase = ci * planeSize(p.batch, inHW);
    [[unroll]] for (int ky = 0; ky < KH; ++ky) {
      [[unroll]] for (int kx = 0; kx < KW; ++kx) {
        vec4 w0 = w[wi], w1 = w[wi + 1];
        wi += 2;
        [[unroll]] for (int t = 0; t < TN; ++t) {
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

  [[unroll]] for (int t = 0; t < TN; ++t) {
    int pixel = int(gl_WorkGroupID.x) * lanes * TN + t * lanes + int(gl_LocalInvocationID.x);
    if (pixel >= pixels) continue;
    storeOutputs(block, pixel / outHW, pixel % outHW, acc0[t], acc1[t]);
  }
}
