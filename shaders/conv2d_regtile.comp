#version 450
// Convolution as an implicit GEMM held in registers, for GPUs whose compilers do not stage tiles
// in shared memory (mobile GPUs; ops/conv_plan.hpp, route Regtile): C[M][N] = A[M][K] B[K][N]
// with M = output channels, N = the batch's output pixels in CNHW order, K = input channels x
// KH x KW. A is the packed weights, [32-channel block][K][32] (ops::packConvWeights), read as
// vec4s of 4 channels; B is gathered from the input as it is needed (im2col without the copy).
// No shared memory, no barriers: each invocation keeps a TM x TN register tile of sums (TM
// output channels m0 .. m0 + TM - 1, within one block of the packing, x TN output pixels
// `lanes` apart, so that neighbouring invocations read and write neighbouring pixels) and
// walks K tap by tap, input channel by input channel: per step TM / 4 vec4 weight fetches, TN
// input fetches and TM x TN fma, in fp32 whatever the storage (fp16 is widened as it is read).
// Only one tap's TM weights are live at a time, never a whole 7-tap set. A pixel's taps outside
// the input (PADDED) read as zero through a clamped address; pixels past N and channels past M
// are computed from clamped or zero-padded operands and not written.
// Reads through the VKC_READ bindings of conv_io.glsl (texel or storage buffers, as the device
// policy and the views' sizes choose: ops::readPathFor). Grid (ops/conv_regtile.cpp): x, folded
// into z (vk::foldedGroups), spans of lanes x TN pixels; y the M tile. Epilogue (epilogue.glsl):
// out = act(residual + scale * (acc + bias)).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC  // x: the lanes, along N
layout(constant_id = 3) const int TM = 8;  // output channels per invocation: 4, 8, 16 or 32
layout(constant_id = 4) const int TN = 4;  // output pixels per invocation
layout(constant_id = 5) const int KH = 1;
layout(constant_id = 6) const int KW = 1;
layout(constant_id = 7) const int SH = 1;
layout(constant_id = 8) const int SW = 1;
layout(constant_id = 9) const bool PADDED = false;  // a tap can fall outside the input

#include "conv_io.glsl"

const int TAPS = KH * KW;

void main() {
  const int lanes = int(gl_WorkGroupSize.x);
  const int outHW = p.outH * p.outW;
  const int N = p.batch * outHW;
  const int span = int(gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x);
  const int n0 = span * lanes * TN + int(gl_LocalInvocationID.x);
  if (n0 >= N) return;  // every pixel of this invocation past the end (a folded grid's last slice)
  const int m0 = int(gl_WorkGroupID.y) * TM;
  const int K = p.inC * TAPS;
  const int inPlane = planeSize(p.batch, p.inH * p.inW);

  // Each pixel's image row of the input and the position of its first tap.
  int rowBase[TN], ih0[TN], iw0[TN];
  [[unroll]] for (int j = 0; j < TN; ++j) {
    const int n = min(n0 + j * lanes, N - 1);
    const int image = n / outHW;
    const int oh = (n - image * outHW) / p.outW;
    const int ow = n - image * outHW - oh * p.outW;
    rowBase[j] = p.inOffset + image * p.inH * p.inW;
    ih0[j] = oh * SH - p.padTop;
    iw0[j] = ow * SW - p.padLeft;
  }

  vec4 acc[TN][TM / 4];  // acc[j][i][c]: pixel j, channel m0 + 4 i + c
  [[unroll]] for (int j = 0; j < TN; ++j) {
    [[unroll]] for (int i = 0; i < TM / 4; ++i) acc[j][i] = vec4(0.0);
  }
  // The tile's first quad at k = 0: block m0 / 32, quad m0 % 32 / 4 (TM divides 32).
  const int wFirst = (m0 / 32) * K * 8 + (m0 % 32) / 4;
  for (int ky = 0; ky < KH; ++ky) {
    for (int kx = 0; kx < KW; ++kx) {
      int at[TN];
      bool inside[TN];
      [[unroll]] for (int j = 0; j < TN; ++j) {
        int ih = ih0[j] + ky, iw = iw0[j] + kx;
        inside[j] = true;
        if (PADDED) {
          inside[j] = ih >= 0 && ih < p.inH && iw >= 0 && iw < p.inW;
          ih = clamp(ih, 0, p.inH - 1);
          iw = clamp(iw, 0, p.inW - 1);
        }
        at[j] = rowBase[j] + ih * p.inW + iw;
      }
      int wAt = wFirst + (ky * KW + kx) * 8;
      for (int ci = 0; ci < p.inC; ++ci) {
        vec4 a[TM / 4];
        [[unroll]] for (int i = 0; i < TM / 4; ++i) a[i] = fetch4(w, wAt + i);
        [[unroll]] for (int j = 0; j < TN; ++j) {
          float b = fetch1(x, at[j]);
          if (PADDED && !inside[j]) b = 0.0;
          [[unroll]] for (int i = 0; i < TM / 4; ++i) acc[j][i] = fma(a[i], vec4(b), acc[j][i]);
          at[j] += inPlane;
        }
        wAt += TAPS * 8;
      }
    }
  }

  const Epilogue e = p.epilogue;
  const int outPlane = planeSize(p.batch, outHW);
  [[unroll]] for (int i = 0; i < TM; ++i) {
    const int m = m0 + i;
    if (m >= p.outC) continue;
    const float bias = epilogueAddsBias(e) ? convBias(m) : 0.0;
    [[unroll]] for (int j = 0; j < TN; ++j) {
      const int n = n0 + j * lanes;
      if (n >= N) continue;
      float r = 0.0;
      if (epilogueHasResidual(e)) r = float(res[e.resOffset + m * outPlane + n]);
      y[p.outOffset + m * outPlane + n] = ACT(epilogue(e, acc[j][i / 4][i % 4], bias, r));
    }
  }
}
