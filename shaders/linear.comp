#version 450
// Fully connected layers: a 1x1 convolution over a 1x1 grid (ops::conv2dDispatch sends those
// whose sums have 512 products or more here). Each invocation computes 4 consecutive outputs
// (one weight texel per input) of one image. Their sums are long (K = 1536-2080 in the
// classifiers) and their results large (logits), so products are added in blocks of BLOCK, then
// block by block: a sequential fp32 sum errs by up to ~K ulp, blocks by ~BLOCK + K / BLOCK.
// The networks' logits land within PyTorch's own fp32 error of the fp64 reference
// (docs/reliability.md, "Networks against their upstream code"). The layer is a few MFLOP:
// nothing here is tuned for speed.
// Epilogue (epilogue.glsl): out = act(residual + scale * (acc + bias)).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC
#include "conv_io.glsl"

const int BLOCK = 64;  // ~sqrt(K): balances the two sums' error

void main() {
  const int outQuads = (p.outC + 3) / 4;
  const int invocation = globalX();
  const int n = min(invocation / outQuads, p.batch - 1);
  const int firstChannel = invocation % outQuads * 4;
  const int plane = planeSize(p.batch, 1);
  // Blocks of 32 channels hold 8 texels per input channel (ops/conv2d.cpp).
  const int wBase = firstChannel / 32 * p.inC * 8 + firstChannel % 32 / 4;
  const int xBase = p.inOffset + n;

  vec4 acc = vec4(0.0);
  for (int k0 = 0; k0 < p.inC; k0 += BLOCK) {
    vec4 block = vec4(0.0);
    const int end = min(k0 + BLOCK, p.inC);
    for (int k = k0; k < end; ++k) {
      block = fma(vec4(fetch1(x, xBase + k * plane)), fetch4(w, wBase + k * 8), block);
    }
    acc += block;
  }

  if (invocation >= p.batch * outQuads) return;
  const Epilogue e = p.epilogue;
  for (int j = 0; j < 4; ++j) {
    const int co = firstChannel + j;
    if (co >= p.outC) break;
    const float b = epilogueAddsBias(e) ? convBias(co) : 0.0;
    const float r = epilogueHasResidual(e) ? float(res[e.resOffset + co * plane + n]) : 0.0;
    y[p.outOffset + co * plane + n] = ACT(epilogue(e, acc[j], b, r));
  }
}
