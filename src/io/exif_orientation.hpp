#pragma once
// EXIF orientation: the Orientation tag (0x0112) of an EXIF block and the turn it names, as PIL's
// ImageOps.exif_transpose reads and applies them.
#include <cstddef>
#include <cstdint>

#include "io/image.hpp"

namespace vkc::io {

// The Orientation tag of IFD0 of an EXIF block: the TIFF structure ("II*\0" or "MM\0*", an IFD0
// offset, 12-byte entries), with or without the "Exif\0\0" that JPEG's APP1 puts before it.
// 1..8, or 1 when there is no such tag with one SHORT or LONG value in 1..8. Only IFD0 is read
// and every offset and count is checked against `size`, so a damaged or hostile block (cut
// short, offsets past the end, an IFD chain that loops) costs at most one pass over IFD0's
// entries and is ignored: the pixels still decode. Entries up to the point where IFD0 is cut
// short count, as in PIL.
int exifOrientation(const uint8_t* data, size_t size);

// Whether `orientation` (5..8) swaps width and height.
inline bool orientationSwapsAxes(int orientation) {
  return orientation >= 5 && orientation <= 8;
}

// `image` (a stored image whose EXIF orientation is `orientation`) turned upright, as
// exif_transpose does: 2 mirrored left-right, 3 turned 180 degrees, 4 mirrored top-bottom,
// 5 transposed, 6 turned 90 degrees clockwise, 7 transversed, 8 turned 90 degrees
// counter-clockwise. 1 and any other value: unchanged.
Image applyOrientation(Image image, int orientation);

}  // namespace vkc::io
