#version 450
// Max or average pooling (CNHW, see common.glsl), one invocation per output element. Average pooling
// either divides by the taps inside the image (count_include_pad=False: timm's Inception-v4
// and IR-v2) or always by KH*KW (count_include_pad=True: Inception-v3).
// Window size and stride are specialization constants so the window loops unroll.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int MODE = 0;  // 0 max, 1 average excluding pad, 2 average including pad
layout(constant_id = 4) const int KERNEL = 3;
layout(constant_id = 5) const int STRIDE = 2;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) buffer Output { float y[]; };

layout(push_constant) uniform Params {
  int batch, channels, inH, inW;
  int outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset;
} p;

void main() {
  int index = int(gl_GlobalInvocationID.x);
  int outHW = p.outH * p.outW;
  if (index >= p.batch * p.channels * outHW) return;
  int pixel = index % outHW;
  int c = (index / outHW) % p.channels;
  int n = index / (outHW * p.channels);
  int oh = pixel / p.outW, ow = pixel % p.outW;
  int base = tensorIndex(p.inOffset, c, n, p.batch, p.inH * p.inW, 0);

  float acc = MODE == 0 ? -3.402823466e38 : 0.0;
  int taps = 0;
  [[unroll]] for (int ky = 0; ky < KERNEL; ++ky) {
    int ih = oh * STRIDE - p.padTop + ky;
    if (ih < 0 || ih >= p.inH) continue;
    [[unroll]] for (int kx = 0; kx < KERNEL; ++kx) {
      int iw = ow * STRIDE - p.padLeft + kx;
      if (iw < 0 || iw >= p.inW) continue;
      float v = x[base + ih * p.inW + iw];
      acc = MODE == 0 ? max(acc, v) : acc + v;
      ++taps;
    }
  }
  if (MODE == 1) acc /= float(taps);
  if (MODE == 2) acc /= float(KERNEL * KERNEL);
  y[tensorIndex(p.outOffset, c, n, p.batch, outHW, pixel)] = acc;
}
