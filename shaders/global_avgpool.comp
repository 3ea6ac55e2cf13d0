#version 450
// Mean over H x W per (n, c): [N, C, H, W] -> [N, C] (= [N, C, 1, 1]). One invocation per
// output; the grids it sees are small (8 x 8 at 299 input).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC

layout(std430, binding = 0) readonly buffer Input { ACT x[]; };
layout(std430, binding = 1) buffer Output { ACT y[]; };

layout(push_constant) uniform Params {
  int batch, channels, hw;
  int inOffset, outOffset;
} p;

void main() {
  int index = globalX();
  if (index >= p.batch * p.channels) return;
  int n = index / p.channels, c = index % p.channels;
  int base = tensorIndex(p.inOffset, c, n, p.batch, p.hw, 0);
  float sum = 0.0;
  for (int i = 0; i < p.hw; ++i) sum += float(x[base + i]);
  y[tensorIndex(p.outOffset, c, n, p.batch, 1, 0)] = ACT(sum / float(p.hw));
}
