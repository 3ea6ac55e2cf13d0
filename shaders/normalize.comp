#version 450
// A member of an ensemble normalises the shared input its own way: y = (x - mean[c]) / std[c]
// on [N, 3, H, W] CNHW tensors (x = pixel / 255, written by preprocess.comp with mean 0, std 1,
// so that y is bit for bit what preprocess.comp gives the member alone in fp32).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC

layout(std430, binding = 0) readonly buffer Input { ACT x[]; };
layout(std430, binding = 1) buffer Output { ACT y[]; };
layout(push_constant) uniform Params {
  int batch, hw, inOffset, outOffset;
  vec4 mean;
  vec4 invStd;
} p;

void main() {
  int index = globalX();
  if (index >= p.batch * 3 * p.hw) return;
  int pixel = index % p.hw;
  int n = (index / p.hw) % p.batch;
  int c = index / (p.hw * p.batch);
  float value = float(x[tensorIndex(p.inOffset, c, n, p.batch, p.hw, pixel)]);
  y[tensorIndex(p.outOffset, c, n, p.batch, p.hw, pixel)] = ACT((value - p.mean[c]) * p.invStd[c]);
}
