// Shared by every vkception shader. Tensors are fp32 in "CNHW" order: element (n, c, h, w)
// of a [N, C, H, W] tensor lives at c * P + (n * H + h) * W + w, with P = N * H * W rounded up
// to a multiple of 4 (planeSize), i.e. the batch sits inside the channel. Any channel slice of a tensor (a branch's part of a concat) is then one
// contiguous range for every batch size, so each dispatch binds exactly the bytes it touches.
// `offset` is the slice's first element inside the bound range (bindings must start at
// minStorageBufferOffsetAlignment).

#define VKC_WORKGROUP_FROM_SPEC \
  layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

// Each channel's plane of batch x H x W elements is padded to a multiple of 4, so 4
// consecutive pixels of any channel can be read as one aligned vec4 (conv1x1.comp).
int planeSize(int batch, int hw) { return (batch * hw + 3) & ~3; }

int tensorIndex(int offset, int c, int n, int batch, int hw, int pixel) {
  return offset + c * planeSize(batch, hw) + n * hw + pixel;
}
