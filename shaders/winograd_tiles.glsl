// The plan of a Winograd transform (ops/winograd.hpp, transformDispatch sets ids 3..6), the
// intermediate tensors' tile grid (push constants, ops::TileGridPush) and the tile a pixel of
// their plane stands for. Shared by winograd_input.comp and winograd_output.comp.
layout(constant_id = 3) const int MH = 1;  // outputs per tile down (1: a one-tap axis)
layout(constant_id = 4) const int MW = 4;  // outputs per tile across
layout(constant_id = 5) const int RH = 1;  // kernel taps down
layout(constant_id = 6) const int RW = 3;  // kernel taps across
const int ALPHA_H = MH + RH - 1, ALPHA_W = MW + RW - 1;

// The intermediate tensors' height and width in tiles, and for dividing a pixel index by the
// tiles per image and per row, their multiply-and-shift reciprocals (ops::divisionMagic: exact
// for n < 2^31; magic 0 divides by 1): push constants, so that one pipeline serves every size,
// and no vector division, which CPU drivers emulate lane by lane.
struct TileGrid {
  uint tilesH, tilesW;
  uint imageMagic, imageShift;  // tilesH * tilesW
  uint rowMagic, rowShift;      // tilesW
};

uint divideByMagic(uint n, uint magic, uint shift) {
  uint high, low;
  umulExtended(n, magic, high, low);
  return magic == 0u ? n : high >> shift;
}

struct Tile {
  int image, top, left;  // top and left: the tile's first output row and column
};

Tile tileOf(uint pixel, TileGrid g) {
  const uint image = divideByMagic(pixel, g.imageMagic, g.imageShift);
  const uint rest = pixel - image * g.tilesH * g.tilesW;
  const uint row = divideByMagic(rest, g.rowMagic, g.rowShift);
  return Tile(int(image), int(row) * MH, int(rest - row * g.tilesW) * MW);
}
