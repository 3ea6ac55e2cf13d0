#version 450
// 1x1 stride-1 convolution as a GEMM: each invocation computes CB (16 or 32) output channels
// for TQ groups of 4 consecutive pixels (channel planes are padded to a multiple of 8, see
// common.glsl). Per input channel that is TQ + CB / 4 vec4 fetches for CB x TQ vec4 FMAs: the
// larger the block, the fewer fetches per FMA, until spilled accumulators cost more (on CPU
// drivers past 32 x 3, ops::ConvTiling). Inputs and weights are read through texel buffers: on
// CPU drivers a texel fetch is a gather while a storage-buffer load is a loop over the lanes
// (docs/performance.md).
// Pixels of the padding are computed too and land in the padding. Invocations are numbered
// across channel blocks (block = invocation / quad groups), so that a plane whose quads do not
// fill whole workgroups (17x17: 74 quads) wastes no lanes; each takes TQ consecutive quads.
// Grouped (Winograd's products, ops/winograd.hpp): workgroup z is the group, which reads input
// channels [z * inC, (z + 1) * inC), writes output channels [z * outC, (z + 1) * outC) and has
// its own packed weights.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int TQ = 3;   // pixel quads per invocation
layout(constant_id = 4) const int CB = 32;  // output channels per invocation: 16 or 32
const int KU = 2;

#define CONV_VEC4_IO
#include "conv_io.glsl"

void main() {
  const int quads = planeSize(p.batch, p.inH * p.inW) / 4;
  const int quadGroups = (quads + TQ - 1) / TQ;
  const int invocation = globalXFoldedIntoY();
  const int block = invocation / quadGroups;
  if (block * CB >= p.outC) return;
  const int firstChannel = block * CB;
  const int firstQuad = (invocation - block * quadGroups) * TQ;
  const int group = int(gl_WorkGroupID.z);
  int quad[TQ];
  vec4 acc[TQ][CB];
  [[unroll]] for (int t = 0; t < TQ; ++t) {
    quad[t] = min(firstQuad + t, quads - 1);
    [[unroll]] for (int j = 0; j < CB; ++j) acc[t][j] = vec4(0.0);
  }
  // Texel of the first weight: blocks of 32 channels hold 8 texels per input channel.
  const int wBase = ((group * ((p.outC + 31) / 32) + firstChannel / 32) * p.inC) * 8 +
                    firstChannel % 32 / 4;
  const int xBase = p.inOffset / 4 + group * p.inC * quads;
  // KU input channels per step, so that each accumulator is loaded and stored once per KU
  // multiply-adds: CPU drivers keep the accumulators in memory, and their stores bound the loop.
  // Past inC the indices are clamped and the weights zeroed.
  for (int ci = 0; ci < p.inC; ci += KU) {
    ACT4 wv[KU][CB / 4];
    ACT4 xv[KU][TQ];
    [[unroll]] for (int k = 0; k < KU; ++k) {
      const bool inside = ci + k < p.inC;
      const int c = min(ci + k, p.inC - 1);
      [[unroll]] for (int j = 0; j < CB / 4; ++j) {
        wv[k][j] = inside ? ACT4(fetch4(w, wBase + c * 8 + j)) : ACT4(0.0);
      }
      [[unroll]] for (int t = 0; t < TQ; ++t) {
        xv[k][t] = ACT4(fetch4(x, xBase + c * quads + quad[t]));
      }
    }
    [[unroll]] for (int t = 0; t < TQ; ++t) {
      [[unroll]] for (int j = 0; j < CB; ++j) {
        vec4 a = acc[t][j];
#ifdef VKC_FP16
        [[unroll]] for (int k = 0; k < KU; ++k) a += vec4(xv[k][t] * wv[k][j / 4][j % 4]);
#else
        [[unroll]] for (int k = 0; k < KU; ++k) a = fma(xv[k][t], vec4(wv[k][j / 4][j % 4]), a);
#endif
        acc[t][j] = a;
      }
    }
  }

  const Epilogue e = p.epilogue;
  const int outBase = p.outOffset / 4 + group * p.outC * quads;
  [[unroll]] for (int t = 0; t < TQ; ++t) {
    if (firstQuad + t >= quads) break;
    [[unroll]] for (int j = 0; j < CB; ++j) {
      int co = firstChannel + j;
      if (co >= p.outC) break;
      const float b = epilogueAddsBias(e) ? convBias(co) : 0.0;
      const vec4 r =
          epilogueHasResidual(e) ? vec4(res[e.resOffset / 4 + co * quads + quad[t]]) : vec4(0.0);
      y[outBase + co * quads + quad[t]] = ACT4(epilogue(e, acc[t][j], b, r));
    }
  }
}
