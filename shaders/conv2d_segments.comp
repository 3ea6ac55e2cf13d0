#version 450
// Convolution for kernels longer than one tap along a row (3x3, 5x5, 1x7, 1x3) or, with
// VERTICAL, along a column (7x1, 3x1), and for strided or padded 1x1: each invocation computes
// CB output channels for TN consecutive output pixels of one line, so the taps of neighbouring
// pixels share their input loads: (TN - 1) * stride + taps loads per input line instead of
// TN * taps. Inputs and weights are read through texel buffers, which CPU drivers gather
// (storage-buffer loads are a loop over the lanes there; docs/performance.md). Weights are
// packed per block of 32 output channels as [K][32] (ops/conv2d.cpp), an invocation reading a
// block or half of one; VERTICAL needs KW == 1 so that their (ci, ky, kx) order is line order.
// Epilogue (epilogue.glsl): out = act(residual + scale * (acc + bias)).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int KH = 1;
layout(constant_id = 4) const int KW = 1;
layout(constant_id = 5) const int SH = 1;
layout(constant_id = 6) const int SW = 1;
layout(constant_id = 7) const int TN = 4;          // output pixels per invocation
layout(constant_id = 8) const bool PADDED = false;  // any tap can fall outside the image

#include "conv_io.glsl"

layout(constant_id = 9) const bool VERTICAL = false;
layout(constant_id = 10) const int CB = 16;  // output channels per invocation: 16 or 32

// "Along" is the segment's axis, "across" the other one.
const int TAPS = VERTICAL ? KH : KW;
const int LINES = VERTICAL ? KW : KH;
const int STEP = VERTICAL ? SH : SW;
const int SPAN = (TN - 1) * STEP + TAPS;  // input positions one segment reads per line

void main() {
  const int outAlong = VERTICAL ? p.outH : p.outW, outAcross = VERTICAL ? p.outW : p.outH;
  const int inAlong = VERTICAL ? p.inH : p.inW, inAcross = VERTICAL ? p.inW : p.inH;
  const int alongStride = VERTICAL ? p.inW : 1, acrossStride = VERTICAL ? 1 : p.inW;
  const int padAlong = VERTICAL ? p.padTop : p.padLeft;
  const int padAcross = VERTICAL ? p.padLeft : p.padTop;
  const int strideAcross = VERTICAL ? SW : SH;

  const int segmentsPerLine = (outAlong + TN - 1) / TN;
  const int segments = p.batch * outAcross * segmentsPerLine;
  const int segment = min(globalX(), segments - 1);
  const int n = segment / (outAcross * segmentsPerLine);
  const int across = (segment / segmentsPerLine) % outAcross;
  const int along0 = (segment % segmentsPerLine) * TN;
  const int inAcross0 = across * strideAcross - padAcross, inAlong0 = along0 * STEP - padAlong;
  const int inHW = p.inH * p.inW;
  const int block = int(gl_WorkGroupID.y);
  const int K = p.inC * KH * KW;
  const int imageBase = tensorIndex(p.inOffset, 0, n, p.batch, inHW, 0);

  // Positions this segment reads along its line; outside the image (padding, or past the end
  // of a partial segment) they read as zero via a clamped address and a mask.
  int offset[SPAN];
  bool inside[SPAN];
  [[unroll]] for (int j = 0; j < SPAN; ++j) {
    int i = inAlong0 + j;
    inside[j] = i >= 0 && i < inAlong;
    offset[j] = clamp(i, 0, inAlong - 1) * alongStride;
  }

  vec4 acc[TN][CB / 4];
  [[unroll]] for (int t = 0; t < TN; ++t) {
    [[unroll]] for (int j = 0; j < CB / 4; ++j) acc[t][j] = vec4(0.0);
  }
  const int firstChannel = block * CB;  // in a block of 32 packed channels: 8 texels per k
  int wi = firstChannel / 32 * K * 8 + firstChannel % 32 / 4;
  // Per input line all taps are fetched first, then each accumulator takes its TAPS
  // multiply-adds in a row: CPU drivers keep the accumulators in memory, and loading and storing
  // them once per line instead of once per tap is what bounds the loop. (Once per input channel
  // would hold LINES x TAPS weight blocks: too many registers on GPUs for 5x5.) The lines stay a
  // loop: unrolled, they make a 3x3's code three times as long for CPU drivers (NIR and LLVM)
  // to build at the first start, for no speed (docs/performance.md).
  for (int ci = 0; ci < p.inC; ++ci) {
    const int channelBase = imageBase + ci * planeSize(p.batch, inHW);
    [[dont_unroll]] for (int l = 0; l < LINES; ++l) {
      const int i = inAcross0 + l;
      const bool lineInside = !PADDED || (i >= 0 && i < inAcross);
      const int line = channelBase + clamp(i, 0, inAcross - 1) * acrossStride;
      ACT v[SPAN];
      [[unroll]] for (int j = 0; j < SPAN; ++j) {
        v[j] = ACT(lineInside && inside[j] ? fetch1(x, line + offset[j]) : 0.0);
      }
      ACT4 wv[TAPS][CB / 4];
      [[unroll]] for (int tap = 0; tap < TAPS; ++tap) {
        [[unroll]] for (int j = 0; j < CB / 4; ++j) wv[tap][j] = ACT4(fetch4(w, wi + j));
        wi += 8;
      }
      [[unroll]] for (int t = 0; t < TN; ++t) {
        [[unroll]] for (int j = 0; j < CB / 4; ++j) {
          vec4 a = acc[t][j];
          [[unroll]] for (int tap = 0; tap < TAPS; ++tap) {
#ifdef VKC_FP16
            a += vec4(v[t * STEP + tap] * wv[tap][j]);
#else
            a = fma(vec4(v[t * STEP + tap]), wv[tap][j], a);
#endif
          }
          acc[t][j] = a;
        }
      }
    }
  }

  if (globalX() >= segments) return;
  const Epilogue e = p.epilogue;
  const int outHW = p.outH * p.outW;
  [[unroll]] for (int t = 0; t < TN; ++t) {
    const int along = along0 + t;
    if (along >= outAlong) break;
    const int rem = VERTICAL ? along * p.outW + across : across * p.outW + along;
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
