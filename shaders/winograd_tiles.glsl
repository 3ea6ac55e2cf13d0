// The plan of a Winograd transform (ops/winograd.hpp, transformDispatch sets ids 3..8) and the
// tile a pixel of the intermediate tensors' plane stands for. Shared by winograd_input.comp and
// winograd_output.comp.
layout(constant_id = 3) const int MH = 1;  // outputs per tile down (1: a one-tap axis)
layout(constant_id = 4) const int MW = 4;  // outputs per tile across
layout(constant_id = 5) const int RH = 1;  // kernel taps down
layout(constant_id = 6) const int RW = 3;  // kernel taps across
// The intermediate tensors' height and width: constants, so that splitting a pixel index into
// (image, tile row, tile column) compiles to multiplies (CPU drivers emulate vector division).
layout(constant_id = 7) const uint TILES_H = 1;
layout(constant_id = 8) const uint TILES_W = 1;
const int ALPHA_H = MH + RH - 1, ALPHA_W = MW + RW - 1;

struct Tile {
  int image, top, left;  // top and left: the tile's first output row and column
};

Tile tileOf(uint pixel) {
  return Tile(int(pixel / (TILES_W * TILES_H)), int(pixel / TILES_W % TILES_H) * MH,
              int(pixel % TILES_W) * MW);
}
