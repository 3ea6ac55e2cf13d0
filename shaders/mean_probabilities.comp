#version 450
// The ensemble's output: per image g and class c, sum over members m of weight[m] times the
// mean over the image's crops k of p[m * classes + c, g * crops + k]. Input [members * classes,
// images * crops] and output [classes, images], both class-major (CNHW with 1x1 grids). Sums in
// fp32, crops in order then members in order (the error bound in tests/api/test_ensemble.cpp).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC

layout(std430, binding = 0) readonly buffer Input { ACT x[]; };
layout(std430, binding = 1) buffer Output { ACT y[]; };
layout(push_constant) uniform Params {
  int images, crops, classes, members, inOffset, outOffset;
  float weight[16];  // kMaxEnsembleMembers (ops/elementwise.hpp)
} p;

void main() {
  int index = globalX();
  if (index >= p.images * p.classes) return;
  int g = index % p.images;
  int c = index / p.images;
  int rows = p.images * p.crops;
  float total = 0.0;
  for (int m = 0; m < p.members; ++m) {
    float sum = 0.0;
    int base = p.inOffset + (m * p.classes + c) * planeSize(rows, 1) + g * p.crops;
    for (int k = 0; k < p.crops; ++k) sum += float(x[base + k]);
    total += p.weight[m] * (sum / float(p.crops));
  }
  y[p.outOffset + c * planeSize(p.images, 1) + g] = ACT(total);
}
