// encode_png: an 8-bit greyscale or RGB PNG through libpng (the segmentation masks the tools
// write). libpng's errors longjmp to the setjmp in write_png, a C-style frame; the output
// buffer grows in a callback that turns allocation failure into a libpng error.
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>

#include "image/png_errors.h"
#include "modelexport/image_decode.h"

namespace modelexport {
namespace {

struct PngWriter {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::vector<std::uint8_t>* out = nullptr;
  image_detail::PngMessage message;
};

void on_write(png_structp png, png_bytep data, png_size_t length) {
  auto* writer = static_cast<PngWriter*>(png_get_io_ptr(png));
  bool ok = true;
  try {
    writer->out->insert(writer->out->end(), data, data + length);
  } catch (const std::bad_alloc&) {
    ok = false;
  }
  if (!ok) png_error(png, "out of memory");
}

void on_flush(png_structp) {}

// Only C calls from setjmp to return: see the banner.
bool write_png(PngWriter* w, png_uint_32 width, png_uint_32 height, int color_type,
               png_bytepp rows) {
  if (setjmp(png_jmpbuf(w->png))) return false;
  png_set_write_fn(w->png, w, on_write, on_flush);
  png_set_IHDR(w->png, w->info, width, height, 8, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(w->png, w->info);
  png_write_image(w->png, rows);
  png_write_end(w->png, w->info);
  return true;
}

}  // namespace

std::vector<std::uint8_t> encode_png(const Image& image) {
  if (image.width == 0 || image.height == 0) throw std::invalid_argument("empty image");
  if (image.channels != 1 && image.channels != 3) {
    throw std::invalid_argument("PNG encoding takes 1 or 3 channels, not " +
                                std::to_string(image.channels));
  }
  if (image.width > 0x7fffffff || image.height > 0x7fffffff ||
      image.pixels.size() / image.height / image.channels != image.width ||
      image.pixels.size() % (image.height * image.channels) != 0) {
    throw std::invalid_argument("image pixels do not match its size");
  }
  std::vector<std::uint8_t> out;
  PngWriter writer;
  writer.out = &out;
  writer.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer.message,
                                       image_detail::on_png_error, image_detail::on_png_warning);
  if (writer.png != nullptr) writer.info = png_create_info_struct(writer.png);
  struct Guard {
    PngWriter& w;
    ~Guard() { png_destroy_write_struct(&w.png, &w.info); }
  } guard{writer};
  if (writer.info == nullptr) throw std::bad_alloc();
  const std::size_t row_bytes = image.width * image.channels;
  std::vector<png_bytep> rows(image.height);
  for (std::size_t y = 0; y < image.height; ++y) {
    // libpng's API takes non-const rows; it only reads them when writing.
    rows[y] = const_cast<png_bytep>(image.pixels.data() + y * row_bytes);
  }
  const int color_type = image.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB;
  if (!write_png(&writer, static_cast<png_uint_32>(image.width),
                 static_cast<png_uint_32>(image.height), color_type, rows.data())) {
    throw std::runtime_error(std::string("PNG encoding failed: ") + writer.message.text);
  }
  return out;
}

}  // namespace modelexport
