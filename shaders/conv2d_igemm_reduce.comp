#version 450
// The second pass of a convolution whose K is split (conv2d_igemm.comp with SPLIT; the split is
// ops::planConv's): per output, the fp32 partial sums of the K slices ([slice][M][N] in the
// workspace) added in slice order, so every run gives the same result (no atomics), then the
// epilogue (epilogue.glsl) into the output, a CNHW tensor or channel slice of one whose planes
// hold the N pixels padded to 8. The bias is its own binding (biasOffset 0).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC

layout(std430, binding = 0) readonly buffer Partials { float partial[]; };
layout(std430, binding = 1) readonly buffer Bias { float bias[]; };
layout(std430, binding = 2) writeonly buffer Output { ACT y[]; };
layout(std430, binding = 3) readonly buffer Residual { ACT res[]; };

#include "epilogue.glsl"

layout(push_constant) uniform Params {
  int M, N, slices;
  int outOffset;
  Epilogue epilogue;
} p;

void main() {
  const int i = globalXFoldedIntoY();
  if (i >= p.M * p.N) return;
  const int m = i / p.N, n = i - m * p.N;
  float sum = partial[m * p.N + n];
  for (int s = 1; s < p.slices; ++s) sum += partial[(s * p.M + m) * p.N + n];
  const Epilogue e = p.epilogue;
  const int at = m * ((p.N + 7) & ~7) + n;
  float b = 0.0, r = 0.0;
  if (epilogueAddsBias(e)) b = bias[e.biasOffset + m];
  if (epilogueHasResidual(e)) r = float(res[e.resOffset + at]);
  y[p.outOffset + at] = ACT(epilogue(e, sum, b, r));
}
