#version 450
// Convolution for kernels wider than one column (3x3, 5x5, 1x7, 1x3): each invocation computes
// 8 output channels for TN consecutive output pixels of one row, so the KW taps of neighbouring
// pixels share their input loads: (TN - 1) * SW + KW loads per input row instead of TN * KW.
// Loads, not FMAs, bound convolutions on CPU drivers (benchmarks/RESULTS.md). Weights and the
// epilogue are as in conv2d.comp.
#extension GL_GOOGLE_include_directive : require
#include "conv_common.glsl"

const int SPAN = (TN - 1) * SW + KW;  // input columns one row segment reads

void main() {
  const int segmentsPerRow = (p.outW + TN - 1) / TN;
  const int segments = p.batch * p.outH * segmentsPerRow;
  const int segment = min(int(gl_GlobalInvocationID.x), segments - 1);
  const int n = segment / (p.outH * segmentsPerRow);
  const int oh = (segment / segmentsPerRow) % p.outH;
  const int ow0 = (segment % segmentsPerRow) * TN;
  const int ih0 = oh * SH - p.padTop, iw0 = ow0 * SW - p.padLeft;
  const int inHW = p.inH * p.inW;
  const int block = int(gl_WorkGroupID.y);
  const int K = p.inC * KH * KW;
  const int rowBase = tensorIndex(p.inOffset, 0, n, p.batch, inHW, 0);

  // Columns this segment reads; outside the image (padding, or past the row end of a partial
  // segment) they read as zero via a clamped address and a mask.
  int column[SPAN];
  bool columnInside[SPAN];
  for (int j = 0; j < SPAN; ++j) {
    int iw = iw0 + j;
    columnInside[j] = iw >= 0 && iw < p.inW;
    column[j] = clamp(iw, 0, p.inW - 1);
  }

  vec4 acc0[TN], acc1[TN];
  for (int t = 0; t < TN; ++t) {
    acc0[t] = vec4(0.0);
    acc1[t] = vec4(0.0);
  }
  int wi = block * K * 2;
  for (int ci = 0; ci < p.inC; ++ci) {
    const int channelBase = rowBase + ci * p.batch * inHW;
    for (int ky = 0; ky < KH; ++ky) {
      const int ih = ih0 + ky;
      const bool rowInside = !PADDED || (ih >= 0 && ih < p.inH);
      const int row = channelBase + clamp(ih, 0, p.inH - 1) * p.inW;
      float v[SPAN];
      for (int j = 0; j < SPAN; ++j) {
        v[j] = rowInside && columnInside[j] ? x[row + column[j]] : 0.0;
      }
      for (int kx = 0; kx < KW; ++kx) {
        vec4 w0 = w[wi], w1 = w[wi + 1];
        wi += 2;
        for (int t = 0; t < TN; ++t) {
          acc0[t] = fma(vec4(v[t * SW + kx]), w0, acc0[t]);
          acc1[t] = fma(vec4(v[t * SW + kx]), w1, acc1[t]);
        }
      }
    }
  }

  if (int(gl_GlobalInvocationID.x) >= segments) return;
  for (int t = 0; t < TN; ++t) {
    if (ow0 + t >= p.outW) break;
    storeOutputs(block, n, oh * p.outW + ow0 + t, acc0[t], acc1[t]);
  }
}
