// GIF through giflib: the first frame, as PIL's Image.open(...).convert("RGB") gives it.
#ifdef VKC_HAVE_GIF
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "io/decode_internal.hpp"

namespace vkc::io::detail {
namespace {

struct GifSource {
  const uint8_t* data;
  size_t size, offset;
};

int gifRead(GifFileType* gif, GifByteType* out, int bytes) {
  auto* src = static_cast<GifSource*>(gif->UserData);
  const size_t n = std::min(size_t(std::max(bytes, 0)), src->size - src->offset);
  std::memcpy(out, src->data + src->offset, n);
  src->offset += n;
  return static_cast<int>(n);
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    DGifCloseFile(gif, &error);
  }
};

}  // namespace

Image decodeGif(const uint8_t* data, size_t size, const std::string& name, size_t maxPixels) {
  GifSource source{data, size, 0};
  int error = D_GIF_SUCCEEDED;
  std::unique_ptr<GifFileType, GifCloser> gif(DGifOpen(&source, gifRead, &error));
  auto fail = [&](int code) {
    const char* why = GifErrorString(code);
    return decodeError(
        name, std::string("cannot decode GIF image: ") + (why != nullptr ? why : "unknown error"));
  };
  if (!gif) throw fail(error);
  // The first image's graphic control extension may name a transparent colour index.
  int transparent = -1;
  for (;;) {
    GifRecordType record = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif.get(), &record) == GIF_ERROR) throw fail(gif->Error);
    if (record == TERMINATE_RECORD_TYPE) throw decodeError(name, "GIF file holds no image");
    if (record == IMAGE_DESC_RECORD_TYPE) break;
    if (record != EXTENSION_RECORD_TYPE) continue;
    int code = 0;
    GifByteType* block = nullptr;
    if (DGifGetExtension(gif.get(), &code, &block) == GIF_ERROR) throw fail(gif->Error);
    if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr && block[0] >= 4 && (block[1] & 1))
      transparent = block[4];
    while (block != nullptr) {
      if (DGifGetExtensionNext(gif.get(), &block) == GIF_ERROR) throw fail(gif->Error);
    }
  }
  if (DGifGetImageDesc(gif.get()) == GIF_ERROR) throw fail(gif->Error);
  const GifImageDesc& frame = gif->Image;
  // As PIL: the canvas is the logical screen, grown to hold a frame that reaches past it; what
  // the frame leaves uncovered is the transparent index if there is one, else index 0.
  const uint64_t left = uint64_t(std::max(frame.Left, 0)), top = uint64_t(std::max(frame.Top, 0));
  const uint64_t frameW = uint64_t(std::max(frame.Width, 0));
  const uint64_t frameH = uint64_t(std::max(frame.Height, 0));
  const uint64_t width = std::max<uint64_t>(uint64_t(std::max(gif->SWidth, 0)), left + frameW);
  const uint64_t height = std::max<uint64_t>(uint64_t(std::max(gif->SHeight, 0)), top + frameH);
  checkSize(name, width, height, maxPixels);
  std::vector<uint8_t> index(size_t(width) * height, uint8_t(transparent >= 0 ? transparent : 0));
  std::vector<GifPixelType> line(frameW + 1);
  auto readRow = [&](uint64_t row) {
    if (DGifGetLine(gif.get(), line.data(), int(frameW)) == GIF_ERROR) throw fail(gif->Error);
    std::memcpy(&index[size_t(top + row) * width + left], line.data(), frameW);
  };
  if (frame.Interlace) {
    // Rows 0, 8, 16, ..., then 4, 12, ..., then 2, 6, ..., then the odd ones.
    const uint64_t start[] = {0, 4, 2, 1}, step[] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass) {
      for (uint64_t row = start[pass]; row < frameH; row += step[pass])
        readRow(row);
    }
  } else {
    for (uint64_t row = 0; row < frameH; ++row)
      readRow(row);
  }
  // No colour table at all: the indices are gray levels (PIL's mode "L").
  const ColorMapObject* colors = frame.ColorMap ? frame.ColorMap : gif->SColorMap;
  Image out;
  out.width = int(width);
  out.height = int(height);
  out.rgb.resize(index.size() * 3);
  for (size_t i = 0; i < index.size(); ++i) {
    uint8_t* p = &out.rgb[i * 3];
    const int c = index[i];
    if (colors == nullptr) {
      p[0] = p[1] = p[2] = uint8_t(c);
    } else if (c < colors->ColorCount) {
      p[0] = colors->Colors[c].Red;
      p[1] = colors->Colors[c].Green;
      p[2] = colors->Colors[c].Blue;
    } else {
      p[0] = p[1] = p[2] = 0;  // past the colour table
    }
  }
  return out;
}

}  // namespace vkc::io::detail
#endif  // VKC_HAVE_GIF
