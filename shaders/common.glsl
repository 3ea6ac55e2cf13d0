// Shared by every vkception shader. Each shader is built twice: as is (fp32 tensors) and with
// VKC_FP16 (fp16 tensors and weights): ACT / ACT4 are the stored types, in which convolutions
// also multiply. Sums stay fp32: fp16 accumulators over up to 20k products put the logits
// 1.1-1.4e-2 of their range from the reference (tests/models/test_golden_fp16.cpp), fp32 ones
// far closer. Texel fetches return fp32 either way; the view format (r32f or r16f) decides
// what is read.
#ifdef VKC_FP16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define ACT float16_t
#define ACT4 f16vec4
#else
#define ACT float
#define ACT4 vec4
#endif

// Tensors are in "CNHW" order: element (n, c, h, w)
// of a [N, C, H, W] tensor lives at c * P + (n * H + h) * W + w, with P = N * H * W rounded up
// to a multiple of 8 (planeSize), i.e. the batch sits inside the channel. Any channel slice of a tensor (a branch's part of a concat) is then one
// contiguous range for every batch size, so each dispatch binds exactly the bytes it touches.
// `offset` is the slice's first element inside the bound range (bindings must start at
// minStorageBufferOffsetAlignment).

// Inputs and weights are read through uniform texel buffers (a gather on CPU drivers, where a
// storage-buffer load is a loop over the lanes); built with VKC_STORAGE_TEXEL_READS (the "_st"
// variant of each such shader), through storage texel buffers, the same gather by imageLoad
// (DevicePolicy::texelBinding says why CPU drivers take it); built with VKC_STORAGE_READS ("_sr"),
// through storage buffers: no maxTexelBufferElements limit (65536 on some devices). The host
// chooses per dispatch (ops::readPathFor). Element i of a READ4 binding is texel i (4 elements),
// of a READ1 binding element i, in every build.
#ifdef VKC_STORAGE_READS
#define VKC_READ4(binding_, name_) \
  layout(std430, binding = binding_) readonly buffer name_##Reads { ACT4 name_##Data[]; };
#define VKC_READ1(binding_, name_) \
  layout(std430, binding = binding_) readonly buffer name_##Reads { ACT name_##Data[]; };
#define fetch4(name_, i) vec4(name_##Data[i])
#define fetch1(name_, i) float(name_##Data[i])
#elif defined(VKC_STORAGE_TEXEL_READS)
#ifdef VKC_FP16
#define VKC_READ4(binding_, name_) \
  layout(binding = binding_, rgba16f) uniform readonly imageBuffer name_;
#define VKC_READ1(binding_, name_) layout(binding = binding_, r16f) uniform readonly imageBuffer name_;
#else
#define VKC_READ4(binding_, name_) \
  layout(binding = binding_, rgba32f) uniform readonly imageBuffer name_;
#define VKC_READ1(binding_, name_) layout(binding = binding_, r32f) uniform readonly imageBuffer name_;
#endif
#define fetch4(name_, i) imageLoad(name_, i)
#define fetch1(name_, i) imageLoad(name_, i).x
#else
#define VKC_READ4(binding_, name_) layout(binding = binding_) uniform samplerBuffer name_;
#define VKC_READ1(binding_, name_) layout(binding = binding_) uniform samplerBuffer name_;
#define fetch4(name_, i) texelFetch(name_, i)
#define fetch1(name_, i) texelFetch(name_, i).x
#endif

#define VKC_WORKGROUP_FROM_SPEC \
  layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

// A 1-D row of workgroups longer than the device's maxComputeWorkGroupCount[0] is folded by the
// host into slices along z (or y) (vk::foldedGroups): these give the unfolded invocation index,
// which may lie past the end in the last slice (every shader checks its bounds). Macros, not
// functions: gl_WorkGroupSize is only the specialized size after the shader's layout line.
#define globalX()                                                                  \
  int((gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x + \
      gl_LocalInvocationID.x)
#define globalXFoldedIntoY()                                                       \
  int((gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x + \
      gl_LocalInvocationID.x)

// Each channel's plane of batch x H x W elements is padded to a multiple of 8: 4 consecutive
// pixels of any channel are then one aligned texel (conv1x1.comp), and every channel slice
// starts on 16 bytes, a texel-buffer offset any device accepts, in fp16 as in fp32.
int planeSize(int batch, int hw) { return (batch * hw + 7) & ~7; }

int tensorIndex(int offset, int c, int n, int batch, int hw, int pixel) {
  return offset + c * planeSize(batch, hw) + n * hw + pixel;
}
