// The fused epilogue of the convolution kernels (conv1x1, conv2d_segments, winograd_output):
// out = act(residual + scale * (acc + bias)). Its push constants are one struct, the last member
// of each kernel's push-constant block (host: ops::EpiloguePush, ops/epilogue.hpp).
const int EPILOGUE_RELU = 1;
const int EPILOGUE_RESIDUAL = 2;
const int EPILOGUE_NO_BIAS = 4;  // Winograd's products: their bias comes in the output transform

struct Epilogue {
  int flags;
  float scale;     // of the branch added to the residual
  int resOffset;   // the residual slice's first element in its binding
  int biasOffset;  // storage reads: the bias's first float in the weights binding (conv_io.glsl)
};

bool epilogueAddsBias(Epilogue e) { return (e.flags & EPILOGUE_NO_BIAS) == 0; }
bool epilogueHasResidual(Epilogue e) { return (e.flags & EPILOGUE_RESIDUAL) != 0; }

// `bias` and `residual` as read by the kernel: it reads each only where the flags use it.
float epilogue(Epilogue e, float acc, float bias, float residual) {
  float v = acc + bias;
  if (epilogueHasResidual(e)) v = residual + e.scale * v;
  return (e.flags & EPILOGUE_RELU) != 0 ? max(v, 0.0) : v;
}

vec4 epilogue(Epilogue e, vec4 acc, float bias, vec4 residual) {
  vec4 v = acc + vec4(bias);
  if (epilogueHasResidual(e)) v = residual + e.scale * v;
  return (e.flags & EPILOGUE_RELU) != 0 ? max(v, vec4(0.0)) : v;
}
