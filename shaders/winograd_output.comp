#version 450
// Winograd output transform (ops/winograd.hpp): y[o][across][tile * M + i] =
// act(residual + scale * (sum_xi AT[i][xi] M[xi][o][across][tile] + bias[o])), the outputs
// past the end of a line not stored. Each invocation reads 4 consecutive pixels of the
// products' plane (one vec4 per xi) for one output channel; workgroups span 8 quads x 8
// channels (winograd_input.comp says why).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "winograd_matrices.glsl"

VKC_WORKGROUP_FROM_SPEC
layout(constant_id = 3) const int M = 4;             // outputs per tile
layout(constant_id = 4) const int R = 3;             // taps
layout(constant_id = 5) const int LINES = 1;         // unused here: the products summed them
layout(constant_id = 6) const bool VERTICAL = false;  // the axis is the height
// The intermediate tensors' width and height: constants, so that splitting a pixel index into
// (image, across, tile) compiles to multiplies (CPU drivers emulate vector integer division).
layout(constant_id = 7) const uint TILES = 1;
layout(constant_id = 8) const uint ACROSS = 1;
const int ALPHA = M + R - 1;

layout(binding = 0) uniform samplerBuffer products;  // rgba32f (rgba16f): 4 pixels
layout(std430, binding = 1) readonly buffer Bias { float bias[]; };
layout(std430, binding = 2) buffer Output { ACT y[]; };
layout(std430, binding = 3) readonly buffer Residual { ACT res[]; };

layout(push_constant) uniform Params {
  int batch, outC, outH, outW;
  int productsOffset, outOffset, resOffset;  // productsOffset: a multiple of 4
  int flags;  // bit 0: ReLU, bit 1: residual
  float scale;
} p;

float at(int i, int xi) {
  if (M == 4 && R == 3) return AT_F4_3[i * ALPHA + xi];
  if (M == 6 && R == 3) return AT_F6_3[i * ALPHA + xi];
  if (M == 4 && R == 7) return AT_F4_7[i * ALPHA + xi];
  return AT_F6_7[i * ALPHA + xi];
}

void main() {
  const int pixels = p.batch * int(ACROSS * TILES);
  const int quad = int(gl_GlobalInvocationID.x);
  const int quads = planeSize(p.batch, int(ACROSS * TILES)) / 4;
  if (quad >= quads) return;
  const int o = int(gl_GlobalInvocationID.y);
  if (o >= p.outC) return;
  vec4 m[ALPHA];
  [[unroll]] for (int xi = 0; xi < ALPHA; ++xi) {
    m[xi] = texelFetch(products, p.productsOffset / 4 + (xi * p.outC + o) * quads + quad);
  }
  const int outAlong = VERTICAL ? p.outH : p.outW;
  const int outHW = p.outH * p.outW;
  const bool relu = (p.flags & 1) != 0;
  const bool residual = (p.flags & 2) != 0;
  const float b = bias[o];
  [[unroll]] for (int q = 0; q < 4; ++q) {
    const int pixel = quad * 4 + q;
    if (pixel >= pixels) break;
    const int t = int(uint(pixel) % TILES), a = int(uint(pixel) / TILES % ACROSS);
    const int n = int(uint(pixel) / (TILES * ACROSS));
    [[unroll]] for (int i = 0; i < M; ++i) {
      const int along = t * M + i;
      if (along >= outAlong) break;
      float s = b;
      [[unroll]] for (int xi = 0; xi < ALPHA; ++xi) s += at(i, xi) * m[xi][q];
      const int rem = VERTICAL ? along * p.outW + a : a * p.outW + along;
      const int index = tensorIndex(p.outOffset, o, n, p.batch, outHW, rem);
      if (residual) s = float(res[tensorIndex(p.resOffset, o, n, p.batch, outHW, rem)]) + p.scale * s;
      if (relu) s = max(s, 0.0);
      y[index] = ACT(s);
    }
  }
}
