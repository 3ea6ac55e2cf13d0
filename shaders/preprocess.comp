#version 450
// 8-bit interleaved RGB images (already resized/cropped on the host) -> float CNHW,
// y = (pixel / 255 - mean[c]) / std[c]. Bytes arrive packed four to a uint.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC

layout(std430, binding = 0) readonly buffer Pixels { uint bytes[]; };
layout(std430, binding = 1) buffer Output { ACT y[]; };
layout(push_constant) uniform Params {
  int batch, height, width, outOffset;
  vec4 mean;
  vec4 invStd;
} p;

void main() {
  int index = globalX();
  int hw = p.height * p.width;
  if (index >= p.batch * 3 * hw) return;
  int pixel = index % hw;
  int n = (index / hw) % p.batch;
  int c = index / (hw * p.batch);
  int byteIndex = (n * hw + pixel) * 3 + c;
  uint value = (bytes[byteIndex >> 2] >> (8 * (byteIndex & 3))) & 0xFFu;
  y[tensorIndex(p.outOffset, c, n, p.batch, hw, pixel)] = ACT((float(value) / 255.0 - p.mean[c]) * p.invStd[c]);
}
