#version 450
// The concat fallback: copies a whole tensor into a channel slice of another, for the rare
// producer that cannot write its slice directly (see graph/builder.cpp).
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
  if (index >= p.batch * p.channels * p.hw) return;
  int pixel = index % p.hw;
  int c = (index / p.hw) % p.channels;
  int n = index / (p.hw * p.channels);
  y[tensorIndex(p.outOffset, c, n, p.batch, p.hw, pixel)] =
      x[tensorIndex(p.inOffset, c, n, p.batch, p.hw, pixel)];
}
