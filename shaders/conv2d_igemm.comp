#version 450
// Convolution as an implicit GEMM, for GPUs with shared memory (ops/conv_plan.hpp, route Igemm):
// C[M][N] = A[M][K] B[K][N] with M = output channels, N = the batch's output pixels in CNHW
// order (consecutive columns are neighbouring pixels, side by side in memory), K = input
// channels x KH x KW in PyTorch order (ci, ky, kx). A is the packed weights, [32-channel
// block][K][32] (ops::packConvWeights); B is gathered from the input as it is needed (im2col
// without the copy): each invocation loads one B column, neighbouring invocations neighbouring
// pixels, keeping its pixel's position, and splits a K index into (ci, ky, kx) by divisions by
// the specialization constants KH x KW and KW.
// Each workgroup computes a BM x BN tile of C, K in steps of BK through two stages of shared
// memory, both tiles stored as vec4s along M and N: the next step's tiles are loaded into
// registers while the current step's are multiplied, one barrier per step. Each invocation
// accumulates a TM x TN outer product in fp32 with fma, reading its operands as vec4s: rows
// ty * 4 .. + 3 of each of the TM / 4 row groups BM / (TM / 4) apart, and likewise columns
// tx * 4 .. + 3 of the TN / 4 column groups. Neighbouring invocations thus read neighbouring
// vec4s of a B row and share one vec4 of A (by design free of bank conflicts; not measured on
// a GPU), and write adjacent runs of 4 pixels. Rows of both tiles are padded by one vec4.
// Storage buffers only, one build per precision: fp16 tensors and weights are widened as they
// enter shared memory; products and sums are fp32.
// Grid (ops/conv_igemm.cpp): x, folded into y (vk::foldedGroups), the tiles along N; z the K
// slice x (M tiles) + the M tile. SPLIT: the workgroup sums its K slice [slice x sliceK, ...)
// only and writes the partial sums, [slice][M][N] fp32, into the workspace bound in place of
// the output; conv2d_igemm_reduce.comp adds them and applies the epilogue. Otherwise the
// epilogue (epilogue.glsl) follows here: out = act(residual + scale * (acc + bias)).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

VKC_WORKGROUP_FROM_SPEC  // x: (BM / TM) x (BN / TN) invocations
layout(constant_id = 3) const int BM = 64;
layout(constant_id = 4) const int BN = 64;
layout(constant_id = 5) const int BK = 8;
layout(constant_id = 6) const int TM = 8;
layout(constant_id = 7) const int TN = 4;
layout(constant_id = 8) const int KH = 1;
layout(constant_id = 9) const int KW = 1;
layout(constant_id = 10) const int SH = 1;
layout(constant_id = 11) const int SW = 1;
layout(constant_id = 12) const bool PADDED = false;  // a tap can fall outside the input
layout(constant_id = 13) const bool SPLIT = false;

// The bias lies after the packed weights in their binding, read a second time as floats (as in
// the other convolutions' storage-read builds); the output binding is the fp32 workspace where
// SPLIT. Vulkan lets variables alias one binding.
layout(std430, binding = 0) readonly buffer Input { ACT x[]; };
layout(std430, binding = 1) readonly buffer Weights { ACT4 w[]; };
layout(std430, binding = 1) readonly buffer WeightsAsFloats { float weightFloats[]; };
layout(std430, binding = 2) writeonly buffer Output { ACT y[]; };
layout(std430, binding = 2) writeonly buffer Partials { float partial[]; };
layout(std430, binding = 3) readonly buffer Residual { ACT res[]; };

#include "epilogue.glsl"

layout(push_constant) uniform Params {
  int batch, inC, inH, inW;
  int outC, outH, outW;
  int padTop, padLeft;
  int inOffset, outOffset;
  int sliceK;  // products per K slice, a multiple of BK
  Epilogue epilogue;
} p;

const int THREADS = (BM / TM) * (BN / TN);
const int TAPS = KH * KW;
const int A_ROW = BM / 4 + 1, B_ROW = BN / 4 + 1;  // vec4s per shared row
const int A_QUADS = BK * BM / 4;
const int A_LOADS = (A_QUADS + THREADS - 1) / THREADS;
const int B_LOADS = BK * BN / THREADS;  // the host keeps this whole, and THREADS a multiple of BN
const int B_ROWS_APART = THREADS / BN;  // between an invocation's B rows

shared vec4 As[2 * BK * A_ROW];  // [stage][k][m / 4]
shared vec4 Bs[2 * BK * B_ROW];  // [stage][k][n / 4]

// The tiles of the next step, on their way from memory to shared memory.
vec4 aNext[A_LOADS];
float bNext[B_LOADS];

// Set once by main(): the GEMM's extent, this workgroup's tile and K slice; this invocation's B
// column, its image and the input position of its first tap (ih0, iw0).
int M, N, K, m0, n0, kEnd, blocks, inPlane;
int column, image, ih0, iw0;

// A: quad v holds channels 4 (v % 8) .. + 3 of block v / (8 BK) at k = v / 8 % BK: the tile's
// 8 BK quads per block are contiguous in the packing. Past K or the last block: zero.
void loadA(int k0) {
  [[unroll]] for (int i = 0; i < A_LOADS; ++i) {
    const int v = int(gl_LocalInvocationID.x) + i * THREADS;
    const int block = m0 / 32 + v / (8 * BK);
    const int k = k0 + v / 8 % BK;
    aNext[i] = vec4(0.0);
    if (v < A_QUADS && k < kEnd && block < blocks) aNext[i] = vec4(w[(block * K + k) * 8 + v % 8]);
  }
}

// B: this invocation's column, rows tid / BN + i B_ROWS_APART. Taps outside the input, K past
// the slice and columns past N read zero (their addresses clamped all the same).
void loadB(int k0) {
  const int firstRow = int(gl_LocalInvocationID.x) / BN;
  [[unroll]] for (int i = 0; i < B_LOADS; ++i) {
    const int k = k0 + firstRow + i * B_ROWS_APART;
    const int ci = min(k / TAPS, p.inC - 1);
    const int tap = k - (k / TAPS) * TAPS;
    const int ky = tap / KW, kx = tap - (tap / KW) * KW;
    int ih = ih0 + ky, iw = iw0 + kx;
    bool inside = k < kEnd && n0 + column < N;
    if (PADDED) {
      inside = inside && ih >= 0 && ih < p.inH && iw >= 0 && iw < p.inW;
      ih = clamp(ih, 0, p.inH - 1);
      iw = clamp(iw, 0, p.inW - 1);
    }
    bNext[i] = 0.0;
    if (inside) bNext[i] = float(x[p.inOffset + ci * inPlane + (image * p.inH + ih) * p.inW + iw]);
  }
}

void storeTiles(int stage) {
  const int tid = int(gl_LocalInvocationID.x);
  [[unroll]] for (int i = 0; i < A_LOADS; ++i) {
    const int v = tid + i * THREADS;
    if (v < A_QUADS) As[(stage * BK + v / 8 % BK) * A_ROW + v / (8 * BK) * 8 + v % 8] = aNext[i];
  }
  const int firstRow = tid / BN;
  [[unroll]] for (int i = 0; i < B_LOADS; ++i) {
    Bs[(stage * BK + firstRow + i * B_ROWS_APART) * B_ROW + column / 4][column % 4] = bNext[i];
  }
}

void main() {
  M = p.outC;
  const int outHW = p.outH * p.outW;
  N = p.batch * outHW;
  K = p.inC * TAPS;
  n0 = int(gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * BN;
  if (n0 >= N) return;  // past the end of a folded grid: the whole workgroup
  const int mTiles = (M + BM - 1) / BM;
  const int slice = int(gl_WorkGroupID.z) / mTiles;
  m0 = (int(gl_WorkGroupID.z) - slice * mTiles) * BM;
  const int kBegin = slice * p.sliceK;
  kEnd = min(kBegin + p.sliceK, K);
  const int steps = (kEnd - kBegin + BK - 1) / BK;
  blocks = (M + 31) / 32;
  inPlane = planeSize(p.batch, p.inH * p.inW);

  const int tid = int(gl_LocalInvocationID.x);
  column = tid % BN;
  const int pixel = min(n0 + column, N - 1);
  image = pixel / outHW;
  const int oh = (pixel - image * outHW) / p.outW;
  const int ow = pixel - image * outHW - oh * p.outW;
  ih0 = oh * SH - p.padTop;
  iw0 = ow * SW - p.padLeft;

  const int tx = tid % (BN / TN), ty = tid / (BN / TN);
  vec4 acc[TM][TN / 4];  // acc[i][j][c]: row group i / 4, row i % 4; column group j, column c
  [[unroll]] for (int i = 0; i < TM; ++i) {
    [[unroll]] for (int j = 0; j < TN / 4; ++j) acc[i][j] = vec4(0.0);
  }
  loadA(kBegin);
  loadB(kBegin);
  // Step s: its tiles (loaded during step s - 1) into stage s % 2, a barrier, the next step's
  // loads issued, then the products. A stage is rewritten two steps later, after the barrier
  // that every invocation reaches only once done with its products.
  for (int s = 0; s < steps; ++s) {
    const int stage = s & 1;
    storeTiles(stage);
    barrier();
    if (s + 1 < steps) {
      loadA(kBegin + (s + 1) * BK);
      loadB(kBegin + (s + 1) * BK);
    }
    [[unroll]] for (int k = 0; k < BK; ++k) {
      vec4 a[TM / 4], b[TN / 4];
      [[unroll]] for (int i = 0; i < TM / 4; ++i) {
        a[i] = As[(stage * BK + k) * A_ROW + i * (BM / TM) + ty];
      }
      [[unroll]] for (int j = 0; j < TN / 4; ++j) {
        b[j] = Bs[(stage * BK + k) * B_ROW + j * (BN / TN) + tx];
      }
      [[unroll]] for (int i = 0; i < TM; ++i) {
        [[unroll]] for (int j = 0; j < TN / 4; ++j) {
          acc[i][j] = fma(vec4(a[i / 4][i % 4]), b[j], acc[i][j]);
        }
      }
    }
  }

  const Epilogue e = p.epilogue;
  const int outPlane = planeSize(p.batch, outHW);
  [[unroll]] for (int i = 0; i < TM; ++i) {
    const int m = m0 + i / 4 * (BM / (TM / 4)) + ty * 4 + i % 4;
    if (m >= M) continue;
    float bias = 0.0;
    if (!SPLIT && epilogueAddsBias(e)) bias = weightFloats[e.biasOffset + m];
    [[unroll]] for (int j = 0; j < TN / 4; ++j) {
      [[unroll]] for (int c = 0; c < 4; ++c) {
        const int n = n0 + j * (BN / (TN / 4)) + tx * 4 + c;
        if (n >= N) continue;
        if (SPLIT) {
          partial[(slice * M + m) * N + n] = acc[i][j][c];
        } else {
          float r = 0.0;
          if (epilogueHasResidual(e)) r = float(res[e.resOffset + m * outPlane + n]);
          y[p.outOffset + m * outPlane + n] = ACT(epilogue(e, acc[i][j][c], bias, r));
        }
      }
    }
  }
}
