// GIF (first frame) through giflib, placed as Pillow places it: the image is the logical screen,
// enlarged to hold the frame if the frame reaches past it; pixels outside the frame hold the
// frame's transparent index if its graphic control extension sets one, else index 0; indices
// are looked up in the local colour table, else the global one (past its end: black), and a
// file with neither is greyscale (Pillow's mode L).
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "image/decode_formats.h"

namespace modelexport::image_detail {
namespace {

struct Source {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t offset;
  bool truncated;
};

int on_read(GifFileType* gif, GifByteType* out, int length) {
  auto* source = static_cast<Source*>(gif->UserData);
  const std::size_t wanted = length > 0 ? static_cast<std::size_t>(length) : 0;
  const std::size_t n = std::min(wanted, source->size - source->offset);
  if (n < wanted) source->truncated = true;
  std::memcpy(out, source->data + source->offset, n);
  source->offset += n;
  return static_cast<int>(n);
}

struct GifCloser {
  GifFileType* gif;
  ~GifCloser() {
    int error = 0;
    if (gif != nullptr) DGifCloseFile(gif, &error);
  }
};

[[noreturn]] void fail(const Source& source, int error) {
  if (source.truncated) throw std::invalid_argument("truncated GIF data");
  const char* message = GifErrorString(error);
  throw std::invalid_argument(std::string("corrupt GIF data: ") +
                              (message != nullptr ? message : "unknown error"));
}

}  // namespace

DecodedImage decode_gif(const std::uint8_t* data, std::size_t size, std::size_t max_pixels) {
  Source source{data, size, 0, false};
  int error = 0;
  GifCloser closer{DGifOpen(&source, on_read, &error)};
  GifFileType* gif = closer.gif;
  if (gif == nullptr) fail(source, error);

  int transparency = -1;  // from the graphic control extension before the first image
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) fail(source, gif->Error);
    if (type == TERMINATE_RECORD_TYPE) throw std::invalid_argument("GIF data has no image");
    if (type == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* block = nullptr;
      if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) fail(source, gif->Error);
      if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr && block[0] >= 4) {
        transparency = (block[1] & 1) != 0 ? block[4] : -1;
      }
      while (block != nullptr) {
        if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) fail(source, gif->Error);
      }
      continue;
    }
    if (type != IMAGE_DESC_RECORD_TYPE) continue;
    if (DGifGetImageDesc(gif) == GIF_ERROR) fail(source, gif->Error);
    break;
  }

  const GifImageDesc& frame = gif->Image;
  const std::size_t left = static_cast<std::size_t>(std::max(frame.Left, 0));
  const std::size_t top = static_cast<std::size_t>(std::max(frame.Top, 0));
  const std::size_t frame_width = static_cast<std::size_t>(std::max(frame.Width, 0));
  const std::size_t frame_height = static_cast<std::size_t>(std::max(frame.Height, 0));
  const std::size_t width = std::max<std::size_t>(gif->SWidth, left + frame_width);
  const std::size_t height = std::max<std::size_t>(gif->SHeight, top + frame_height);
  check_image_size("GIF", width, height, max_pixels);
  if (frame_width == 0 || frame_height == 0) throw std::invalid_argument("GIF frame is empty");

  std::vector<GifPixelType> indices(
      width * height, static_cast<GifPixelType>(transparency >= 0 ? transparency : 0));
  std::vector<GifPixelType> line(frame_width);
  // Interlaced frames store rows 0, 8, 16.., then 4, 12.., then 2, 6.., then 1, 3..
  static const std::size_t kPassStart[] = {0, 4, 2, 1};
  static const std::size_t kPassStep[] = {8, 8, 4, 2};
  const int passes = frame.Interlace ? 4 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    const std::size_t start = frame.Interlace ? kPassStart[pass] : 0;
    const std::size_t step = frame.Interlace ? kPassStep[pass] : 1;
    for (std::size_t y = start; y < frame_height; y += step) {
      if (DGifGetLine(gif, line.data(), frame.Width) == GIF_ERROR) fail(source, gif->Error);
      std::copy(line.begin(), line.end(), indices.begin() + (top + y) * width + left);
    }
  }

  const ColorMapObject* colors = frame.ColorMap != nullptr ? frame.ColorMap : gif->SColorMap;
  DecodedImage result;
  result.image = new_rgb_image(width, height);
  std::uint8_t* out = result.image.pixels.data();
  for (std::size_t i = 0; i < indices.size(); ++i, out += 3) {
    const int index = indices[i];
    if (colors == nullptr) {
      out[0] = out[1] = out[2] = static_cast<std::uint8_t>(index);
    } else if (index < colors->ColorCount) {
      out[0] = colors->Colors[index].Red;
      out[1] = colors->Colors[index].Green;
      out[2] = colors->Colors[index].Blue;
    }
  }
  return result;
}

}  // namespace modelexport::image_detail
