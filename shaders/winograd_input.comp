#version 450
// Winograd input transform (ops/winograd.hpp): for the ALPHA_H x ALPHA_W points
// p = ph * ALPHA_W + pw, V[p][c][n][th][tw] = sum_(a,b) BTh[ph][a] BTw[pw][b] x[c][n][th * MH + a -
// padTop][tw * MW + b - padLeft], zero outside the image. Each invocation transforms 4
// consecutive pixels of V's plane (any mix of tiles and images) for one channel, so that it
// stores vec4s; workgroups span 8 quads x 8 channels, as CPU drivers pay per workgroup and a
// plane of one image can be as small as 4 quads.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "winograd_matrices.glsl"
#include "winograd_tiles.glsl"

VKC_WORKGROUP_FROM_SPEC

VKC_READ1(0, x)  // r32f (r16f) as texels
layout(std430, binding = 1) writeonly buffer Transformed { ACT4 v[]; };

layout(push_constant) uniform Params {
  int batch, inC, inH, inW;
  int padTop, padLeft;
  int inOffset, outOffset;  // outOffset: a multiple of 4 (checked on the host)
  TileGrid grid;
} p;

// The input at row i[q], column j[q] of image plane base[q] for each pixel q of a quad; zero
// outside the image.
vec4 windowAt(ivec4 i, ivec4 j, ivec4 base) {
  vec4 d;
  [[unroll]] for (int q = 0; q < 4; ++q) {
    const bool inside = i[q] >= 0 && i[q] < p.inH && j[q] >= 0 && j[q] < p.inW;
    const int index = base[q] + clamp(i[q], 0, p.inH - 1) * p.inW + clamp(j[q], 0, p.inW - 1);
    d[q] = inside ? fetch1(x, index) : 0.0;
  }
  return d;
}

void main() {
  const int tilesPerImage = int(p.grid.tilesH * p.grid.tilesW);
  const int pixels = p.batch * tilesPerImage;
  const int plane = planeSize(p.batch, tilesPerImage);
  const int quad = globalX();
  if (quad * 4 >= plane) return;
  const int c = int(gl_GlobalInvocationID.y);
  if (c >= p.inC) return;

  // The quad's 4 windows (component q: pixel q's); the padding past the last pixel repeats it.
  // Fetched as whole vec4s (windowAt): written a component at a time, the windows take CPU
  // drivers' NIR passes several times as long to build (docs/performance.md).
  ivec4 top, left, base;
  [[unroll]] for (int q = 0; q < 4; ++q) {
    const Tile tile = tileOf(uint(min(quad * 4 + q, pixels - 1)), p.grid);
    top[q] = tile.top - p.padTop;
    left[q] = tile.left - p.padLeft;
    base[q] = tensorIndex(p.inOffset, c, tile.image, p.batch, p.inH * p.inW, 0);
  }
  // V = BTh d BTw^T, one window row at a time: transformed along the row, then spread down the
  // columns.
  vec4 s[ALPHA_H][ALPHA_W];
  [[unroll]] for (int ph = 0; ph < ALPHA_H; ++ph) {
    [[unroll]] for (int pw = 0; pw < ALPHA_W; ++pw) s[ph][pw] = vec4(0.0);
  }
  [[unroll]] for (int a = 0; a < ALPHA_H; ++a) {
    vec4 d[ALPHA_W];
    [[unroll]] for (int b = 0; b < ALPHA_W; ++b) d[b] = windowAt(top + a, left + b, base);
    [[unroll]] for (int pw = 0; pw < ALPHA_W; ++pw) {
      vec4 row = vec4(0.0);
      [[unroll]] for (int b = 0; b < ALPHA_W; ++b) row += bt(MW, RW, pw, b) * d[b];
      [[unroll]] for (int ph = 0; ph < ALPHA_H; ++ph) s[ph][pw] += bt(MH, RH, ph, a) * row;
    }
  }
  [[unroll]] for (int ph = 0; ph < ALPHA_H; ++ph) {
    [[unroll]] for (int pw = 0; pw < ALPHA_W; ++pw) {
      v[(p.outOffset + ((ph * ALPHA_W + pw) * p.inC + c) * plane) / 4 + quad] = ACT4(s[ph][pw]);
    }
  }
}
