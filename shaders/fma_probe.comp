#version 450
// Peak FMA throughput probe: 16 independent vec4 FMA chains per invocation (enough
// independent work to fill the pipelines of a GPU or of lavapipe's SIMD units); fp32, or fp16
// in the VKC_FP16 build.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC

layout(std430, binding = 0) buffer Output { vec4 y[]; };
layout(push_constant) uniform Params { int iterations; } p;

void main() {
  ACT4 a = ACT4(float(gl_GlobalInvocationID.x % 64u) * 1e-3);
  ACT4 b = ACT4(0.999), c = ACT4(1e-3);
  ACT4 acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = a + ACT4(float(i));
  for (int it = 0; it < p.iterations; ++it) {
    for (int i = 0; i < 16; ++i) acc[i] = fma(acc[i], b, c);
  }
  vec4 sum = vec4(0.0);
  for (int i = 0; i < 16; ++i) sum += vec4(acc[i]);
  y[gl_GlobalInvocationID.x] = sum;  // keeps the chains alive
}
