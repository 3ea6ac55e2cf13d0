#version 450
// Any convolution (kernel size, stride and padding read from push constants) with no loop
// unrolled over taps: one pipeline serves every spatial convolution of a network (but the 1x7
// and 7x1 where a network has many, graph/program.cpp), and CPU drivers build it in a fraction
// of conv2d_segments' time, which unrolls each shape's taps and register block
// (NetworkOptions::start = StartMode::AtOnce, the first result in seconds). Its time is the
// taps' multiply-adds, not their fetches (docs/performance.md).
// Each invocation computes 16 output channels (half a packed block of 32) for TN (4 or 2,
// ops::ConvTiling::atOncePixels) consecutive output pixels of one row; per tap it fetches TN
// inputs and 4 weight texels for 4 TN vec4 FMAs.
// Epilogue (epilogue.glsl): out = act(residual + scale * (acc + bias)).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int TN = 4;  // output pixels per invocation, along a row
#define CONV_RUNTIME_SHAPE
#include "conv_io.glsl"

const int CB = 16;  // output channels per invocation: half a packed block

void main() {
  const int segmentsPerRow = (p.outW + TN - 1) / TN;
  const int segments = p.batch * p.outH * segmentsPerRow;
  const int segment = min(globalX(), segments - 1);
  const int n = segment / (p.outH * segmentsPerRow);
  const int oh = (segment / segmentsPerRow) % p.outH;
  const int ow0 = (segment % segmentsPerRow) * TN;
  const int inHW = p.inH * p.inW;
  const int plane = planeSize(p.batch, inHW);
  const int block = int(gl_WorkGroupID.y);
  const int K = p.inC * p.shape.kernelH * p.shape.kernelW;
  const int imageBase = tensorIndex(p.inOffset, 0, n, p.batch, inHW, 0);
  const int ih0 = oh * p.shape.strideH - p.padTop;

  vec4 acc[TN][CB / 4];
  [[unroll]] for (int t = 0; t < TN; ++t) {
    [[unroll]] for (int j = 0; j < CB / 4; ++j) acc[t][j] = vec4(0.0);
  }
  const int firstChannel = block * CB;  // in a block of 32 packed channels: 8 texels per k
  int wi = firstChannel / 32 * K * 8 + firstChannel % 32 / 4;
  // One loop over all K = (ci, ky, kx) taps in weight order, the tap's position kept by counters:
  // CPU drivers pay a loop's bookkeeping per iteration, which nested loops over 7x1's one-tap
  // rows paid twice per tap.
  int channelBase = imageBase, ky = 0, kx = 0;
  for (int k = 0; k < K; ++k) {
    const int ih = ih0 + ky;
    const bool rowInside = ih >= 0 && ih < p.inH;
    const int row = channelBase + clamp(ih, 0, p.inH - 1) * p.inW;
    ACT4 wv[CB / 4];
    [[unroll]] for (int j = 0; j < CB / 4; ++j) wv[j] = ACT4(fetch4(w, wi + j));
    wi += 8;
    [[unroll]] for (int t = 0; t < TN; ++t) {
      const int iw = (ow0 + t) * p.shape.strideW - p.padLeft + kx;
      const bool inside = rowInside && iw >= 0 && iw < p.inW;
      const ACT v = ACT(inside ? fetch1(x, row + clamp(iw, 0, p.inW - 1)) : 0.0);
      [[unroll]] for (int j = 0; j < CB / 4; ++j) {
#ifdef VKC_FP16
        acc[t][j] += vec4(v * wv[j]);
#else
        acc[t][j] = fma(vec4(v), wv[j], acc[t][j]);
#endif
      }
    }
    kx = kx + 1 == p.shape.kernelW ? 0 : kx + 1;
    ky = kx == 0 ? (ky + 1 == p.shape.kernelH ? 0 : ky + 1) : ky;
    channelBase += kx == 0 && ky == 0 ? plane : 0;
  }

  if (globalX() >= segments) return;
  const Epilogue e = p.epilogue;
  const int outHW = p.outH * p.outW;
  [[unroll]] for (int t = 0; t < TN; ++t) {
    const int ow = ow0 + t;
    if (ow >= p.outW) break;
    const int rem = oh * p.outW + ow;
    [[unroll]] for (int j = 0; j < CB; ++j) {
      const int co = block * CB + j;
      if (co >= p.outC) break;
      const float b = epilogueAddsBias(e) ? convBias(co) : 0.0;
      const float r = epilogueHasResidual(e)
                          ? float(res[tensorIndex(e.resOffset, co, n, p.batch, outHW, rem)])
                          : 0.0;
      y[tensorIndex(p.outOffset, co, n, p.batch, outHW, rem)] =
          ACT(epilogue(e, acc[t][j / 4][j % 4], b, r));
    }
  }
}
