// Shared by every vkception shader. Tensors are plain NCHW fp32 buffers. A tensor may be a
// channel slice of a larger one (a branch writing into its part of a concat): element
// (n, c, h, w) of the slice lives at ((n * cTotal + cOffset + c) * H + h) * W + w.

#define VKC_WORKGROUP_FROM_SPEC \
  layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

int sliceIndex(int n, int c, int cTotal, int cOffset, int hw, int pixel) {
  return (n * cTotal + cOffset + c) * hw + pixel;
}
