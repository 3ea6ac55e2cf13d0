#version 450
// Winograd input transform (ops/winograd.hpp): V[xi][c * LINES + l][across][tile] =
// sum_k BT[xi][k] x[c][line across + l - padAcross][tile * M + k - padAlong], zero outside the
// image. Each invocation transforms 4 consecutive pixels of V's plane (any mix of tiles, lines
// and images) for one (c, l), so that it stores vec4s; workgroups span 8 quads x 8 rows, as
// CPU drivers pay per workgroup and a plane of one image can be as small as 22 quads.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "winograd_matrices.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int M = 4;             // outputs per tile
layout(constant_id = 4) const int R = 3;             // taps
layout(constant_id = 5) const int LINES = 1;         // kernel extent across the axis
layout(constant_id = 6) const bool VERTICAL = false;  // the axis is the height
// The intermediate tensors' width and height: constants, so that splitting a pixel index into
// (image, across, tile) compiles to multiplies (CPU drivers emulate vector integer division).
layout(constant_id = 7) const uint TILES = 1;
layout(constant_id = 8) const uint ACROSS = 1;
const int ALPHA = M + R - 1;

layout(binding = 0) uniform samplerBuffer x;  // r32f (r16f)
layout(std430, binding = 1) writeonly buffer Transformed { ACT4 v[]; };

layout(push_constant) uniform Params {
  int batch, inC, inH, inW;
  int padAlong, padAcross;
  int inOffset, outOffset;  // outOffset: a multiple of 4 (checked on the host)
} p;

float bt(int i, int k) {
  if (M == 4 && R == 3) return BT_F4_3[i * ALPHA + k];
  if (M == 6 && R == 3) return BT_F6_3[i * ALPHA + k];
  if (M == 4 && R == 7) return BT_F4_7[i * ALPHA + k];
  return BT_F6_7[i * ALPHA + k];
}

void main() {
  const int pixels = p.batch * int(ACROSS * TILES);
  const int quad = int(gl_GlobalInvocationID.x);
  const int plane = planeSize(p.batch, int(ACROSS * TILES));
  if (quad * 4 >= plane) return;
  const int row = int(gl_GlobalInvocationID.y);  // c * LINES + l
  if (row >= p.inC * LINES) return;
  const int c = row / LINES, l = row % LINES;
  const int inAlong = VERTICAL ? p.inH : p.inW, inAcross = VERTICAL ? p.inW : p.inH;
  const int alongStride = VERTICAL ? p.inW : 1, acrossStride = VERTICAL ? 1 : p.inW;

  float d[4][ALPHA];
  [[unroll]] for (int q = 0; q < 4; ++q) {
    const int pixel = min(quad * 4 + q, pixels - 1);  // the plane's padding repeats a pixel
    const int t = int(uint(pixel) % TILES), a = int(uint(pixel) / TILES % ACROSS);
    const int n = int(uint(pixel) / (TILES * ACROSS));
    const int i = a + l - p.padAcross;
    const bool lineInside = i >= 0 && i < inAcross;
    const int line = tensorIndex(p.inOffset, c, n, p.batch, p.inH * p.inW, 0) +
                     clamp(i, 0, inAcross - 1) * acrossStride;
    const int along0 = t * M - p.padAlong;
    [[unroll]] for (int k = 0; k < ALPHA; ++k) {
      const int j = along0 + k;
      const bool inside = lineInside && j >= 0 && j < inAlong;
      d[q][k] = inside ? texelFetch(x, line + clamp(j, 0, inAlong - 1) * alongStride).x : 0.0;
    }
  }
  const int rows = p.inC * LINES;
  [[unroll]] for (int xi = 0; xi < ALPHA; ++xi) {
    vec4 s = vec4(0.0);
    [[unroll]] for (int k = 0; k < ALPHA; ++k) {
      s += bt(xi, k) * vec4(d[0][k], d[1][k], d[2][k], d[3][k]);
    }
    v[(p.outOffset + (xi * rows + row) * plane) / 4 + quad] = ACT4(s);
  }
}
