#version 450
// Winograd output transform (ops/winograd.hpp): y[o][n][th * MH + i][tw * MW + j] =
// act(residual + scale * (sum_(ph,pw) ATh[i][ph] ATw[j][pw] M[ph * ALPHA_W + pw][o][n][th][tw] +
// bias[o])), the outputs past the image's edge not stored. Each invocation reads 4 consecutive
// pixels of the products' plane (one vec4 per point) for one output channel; workgroups span 8
// quads x 8 channels (winograd_input.comp says why).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "winograd_matrices.glsl"
#include "winograd_tiles.glsl"
#include "epilogue.glsl"

VKC_WORKGROUP_FROM_SPEC

VKC_READ4(0, products)  // 4 pixels per element
layout(std430, binding = 1) readonly buffer Bias { float bias[]; };
layout(std430, binding = 2) buffer Output { ACT y[]; };
layout(std430, binding = 3) readonly buffer Residual { ACT res[]; };

layout(push_constant) uniform Params {
  int batch, outC, outH, outW;
  int productsOffset, outOffset;  // productsOffset: a multiple of 4
  TileGrid grid;
  Epilogue epilogue;
} p;

void main() {
  const int tilesPerImage = int(p.grid.tilesH * p.grid.tilesW);
  const int pixels = p.batch * tilesPerImage;
  const int quads = planeSize(p.batch, tilesPerImage) / 4;
  const int quad = globalX();
  if (quad >= quads) return;
  const int o = int(gl_GlobalInvocationID.y);
  if (o >= p.outC) return;
  // Along the rows, then down the columns; component q belongs to the quad's pixel q.
  vec4 rows[ALPHA_H][MW];
  [[unroll]] for (int ph = 0; ph < ALPHA_H; ++ph) {
    vec4 m[ALPHA_W];
    [[unroll]] for (int pw = 0; pw < ALPHA_W; ++pw) {
      m[pw] = fetch4(products,
                         p.productsOffset / 4 + ((ph * ALPHA_W + pw) * p.outC + o) * quads + quad);
    }
    [[unroll]] for (int j = 0; j < MW; ++j) {
      rows[ph][j] = vec4(0.0);
      [[unroll]] for (int pw = 0; pw < ALPHA_W; ++pw) rows[ph][j] += at(MW, RW, j, pw) * m[pw];
    }
  }
  vec4 outputs[MH][MW];
  [[unroll]] for (int i = 0; i < MH; ++i) {
    [[unroll]] for (int j = 0; j < MW; ++j) {
      outputs[i][j] = vec4(0.0);
      [[unroll]] for (int ph = 0; ph < ALPHA_H; ++ph) {
        outputs[i][j] += at(MH, RH, i, ph) * rows[ph][j];
      }
    }
  }

  const Epilogue e = p.epilogue;
  const float b = epilogueAddsBias(e) ? bias[o] : 0.0;
  const int outHW = p.outH * p.outW;
  // The quad's pixels in a loop that is not unrolled: the epilogue, a quarter as long, is what
  // CPU drivers take longest to build of this shader (docs/performance.md).
  [[dont_unroll]] for (int q = 0; q < 4; ++q) {
    if (quad * 4 + q >= pixels) break;
    const Tile tile = tileOf(uint(quad * 4 + q), p.grid);
    const int n = tile.image;
    [[unroll]] for (int i = 0; i < MH; ++i) {
      if (tile.top + i >= p.outH) break;
      [[unroll]] for (int j = 0; j < MW; ++j) {
        if (tile.left + j >= p.outW) break;
        const int rem = (tile.top + i) * p.outW + tile.left + j;
        const float r = epilogueHasResidual(e)
                            ? float(res[tensorIndex(e.resOffset, o, n, p.batch, outHW, rem)])
                            : 0.0;
        y[tensorIndex(p.outOffset, o, n, p.batch, outHW, rem)] =
            ACT(epilogue(e, outputs[i][j][q], b, r));
      }
    }
  }
}
