#version 450
// Softmax over the classes of each image; [classes, N] in CNHW order (class-major), one workgroup per row, max-subtracted for stability.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC

layout(std430, binding = 0) readonly buffer Input { ACT x[]; };
layout(std430, binding = 1) buffer Output { ACT y[]; };
layout(push_constant) uniform Params { int rows, classes, inOffset, outOffset; } p;

shared float partial[gl_WorkGroupSize.x];

float reduce(float value, bool takeMax) {
  uint lane = gl_LocalInvocationID.x;
  partial[lane] = value;
  barrier();
  for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride /= 2) {
    if (lane < stride) {
      float other = partial[lane + stride];
      partial[lane] = takeMax ? max(partial[lane], other) : partial[lane] + other;
    }
    barrier();
  }
  float result = partial[0];
  barrier();
  return result;
}

void main() {
  // One row per workgroup; rows past maxComputeWorkGroupCount[0] folded into z (globalX()).
  int row = int(gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x);
  if (row >= p.rows) return;  // uniform in the workgroup: no barrier is skipped by some only
  int lanes = int(gl_WorkGroupSize.x);
  int lane = int(gl_LocalInvocationID.x);
  float m = -3.402823466e38;
  for (int i = lane; i < p.classes; i += lanes) m = max(m, float(x[p.inOffset + i * planeSize(p.rows, 1) + row]));
  m = reduce(m, true);
  float s = 0.0;
  for (int i = lane; i < p.classes; i += lanes) s += exp(float(x[p.inOffset + i * planeSize(p.rows, 1) + row]) - m);
  s = reduce(s, false);
  for (int i = lane; i < p.classes; i += lanes) y[p.outOffset + i * planeSize(p.rows, 1) + row] = ACT(exp(float(x[p.inOffset + i * planeSize(p.rows, 1) + row]) - m) / s);
}
