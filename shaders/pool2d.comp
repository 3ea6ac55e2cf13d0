#version 450
// Max or average pooling (CNHW, see common.glsl). Average pooling either divides by the taps
// inside the image (count_include_pad=False: timm's Inception-v4 and IR-v2) or always by
// KH*KW (count_include_pad=True: Inception-v3). Each invocation computes TN consecutive outputs
// of one row, so neighbouring windows share their input loads, like conv2d_segments.comp. The
// input is a texel buffer (CPU drivers gather texel fetches but loop over the lanes for storage
// buffers); taps outside the image are masked rather than skipped, which keeps the code
// branch-free. Window size, stride and TN are specialization constants so the loops unroll.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int MODE = 0;  // 0 max, 1 average excluding pad, 2 average including pad
layout(constant_id = 4) const int KERNEL = 3;
layout(constant_id = 5) const int STRIDE = 2;
layout(constant_id = 6) const int TN = 4;  // outputs per invocation

VKC_READ1(0, x)  // r32f (r16f for fp16) as texels
layout(std430, binding = 1) buffer Output { ACT y[]; };

layout(push_constant) uniform Params {
  int batch, channels, inH, inW;
  int outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset;
} p;

const int SPAN = (TN - 1) * STRIDE + KERNEL;  // input positions one segment reads per row

void main() {
  const int segmentsPerRow = (p.outW + TN - 1) / TN;
  const int segments = p.batch * p.channels * p.outH * segmentsPerRow;
  const int segment = globalX();
  if (segment >= segments) return;
  const int ow0 = (segment % segmentsPerRow) * TN;
  const int oh = (segment / segmentsPerRow) % p.outH;
  const int c = (segment / (segmentsPerRow * p.outH)) % p.channels;
  const int n = segment / (segmentsPerRow * p.outH * p.channels);
  const int base = tensorIndex(p.inOffset, c, n, p.batch, p.inH * p.inW, 0);
  const int iw0 = ow0 * STRIDE - p.padLeft;

  float acc[TN];
  int taps[TN];
  [[unroll]] for (int t = 0; t < TN; ++t) {
    acc[t] = MODE == 0 ? -3.402823466e38 : 0.0;
    taps[t] = 0;
  }
  [[unroll]] for (int ky = 0; ky < KERNEL; ++ky) {
    const int ih = oh * STRIDE - p.padTop + ky;
    const bool rowInside = ih >= 0 && ih < p.inH;
    const int row = base + clamp(ih, 0, p.inH - 1) * p.inW;
    float v[SPAN];
    bool inside[SPAN];
    [[unroll]] for (int j = 0; j < SPAN; ++j) {
      const int iw = iw0 + j;
      inside[j] = rowInside && iw >= 0 && iw < p.inW;
      v[j] = fetch1(x, row + clamp(iw, 0, p.inW - 1));
    }
    [[unroll]] for (int t = 0; t < TN; ++t) {
      [[unroll]] for (int kx = 0; kx < KERNEL; ++kx) {
        const int j = t * STRIDE + kx;
        if (MODE == 0) {
          acc[t] = inside[j] ? max(acc[t], v[j]) : acc[t];
        } else {
          acc[t] += inside[j] ? v[j] : 0.0;
        }
        taps[t] += inside[j] ? 1 : 0;
      }
    }
  }
  const int outHW = p.outH * p.outW;
  [[unroll]] for (int t = 0; t < TN; ++t) {
    if (ow0 + t >= p.outW) break;
    float result = acc[t];
    if (MODE == 1) result /= float(taps[t]);
    if (MODE == 2) result /= float(KERNEL * KERNEL);
    y[tensorIndex(p.outOffset, c, n, p.batch, outHW, oh * p.outW + ow0 + t)] = ACT(result);
  }
}
