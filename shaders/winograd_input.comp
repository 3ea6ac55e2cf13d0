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

void main() {
  const int tilesPerImage = int(p.grid.tilesH * p.grid.tilesW);
  const int pixels = p.batch * tilesPerImage;
  const int plane = planeSize(p.batch, tilesPerImage);
  const int quad = globalX();
  if (quad * 4 >= plane) return;
  const int c = int(gl_GlobalInvocationID.y);
  if (c >= p.inC) return;

  vec4 d[ALPHA_H][ALPHA_W];  // component q: the window of the quad's pixel q
  [[unroll]] for (int q = 0; q < 4; ++q) {
    // The padding past the last pixel repeats it.
    const Tile tile = tileOf(uint(min(quad * 4 + q, pixels - 1)), p.grid);
    const int top = tile.top - p.padTop, left = tile.left - p.padLeft;
    const int image = tensorIndex(p.inOffset, c, tile.image, p.batch, p.inH * p.inW, 0);
    [[unroll]] for (int a = 0; a < ALPHA_H; ++a) {
      const int i = top + a;
      [[unroll]] for (int b = 0; b < ALPHA_W; ++b) {
        const int j = left + b;
        const bool inside = i >= 0 && i < p.inH && j >= 0 && j < p.inW;
        d[a][b][q] = inside ? fetch1(x, image + clamp(i, 0, p.inH - 1) * p.inW +
                                           clamp(j, 0, p.inW - 1))
                            : 0.0;
      }
    }
  }
  // Along the rows, then down the columns.
  vec4 rows[ALPHA_H][ALPHA_W];
  [[unroll]] for (int a = 0; a < ALPHA_H; ++a) {
    [[unroll]] for (int pw = 0; pw < ALPHA_W; ++pw) {
      rows[a][pw] = vec4(0.0);
      [[unroll]] for (int b = 0; b < ALPHA_W; ++b) rows[a][pw] += bt(MW, RW, pw, b) * d[a][b];
    }
  }
  [[unroll]] for (int ph = 0; ph < ALPHA_H; ++ph) {
    [[unroll]] for (int pw = 0; pw < ALPHA_W; ++pw) {
      vec4 s = vec4(0.0);
      [[unroll]] for (int a = 0; a < ALPHA_H; ++a) s += bt(MH, RH, ph, a) * rows[a][pw];
      v[(p.outOffset + ((ph * ALPHA_W + pw) * p.inC + c) * plane) / 4 + quad] = ACT4(s);
    }
  }
}
