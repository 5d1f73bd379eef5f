// PNG through libpng, reduced as Pillow reduces it: 16-bit samples keep their high byte
// ("RGB;16B", "LA;16B", "RGBA;16B"), except 16-bit grey, which Pillow opens as I;16 and
// convert("RGB") clips to 0..255; 1/2/4-bit grey scaled to 0..255; palette indices looked up
// in PLTE (indices past its end are black, as in Pillow's palette); alpha and tRNS dropped.
//
// libpng reports errors by longjmp to the setjmp in the C-style functions below, which hold no
// C++ object with a destructor; the C++ caller frees libpng's structures through a guard.
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <stdexcept>
#include <string>

#include "image/decode_formats.h"
#include "image/png_errors.h"

namespace modelexport::image_detail {
namespace {

struct PngState {
  png_structp png = nullptr;
  png_infop info = nullptr;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::size_t offset = 0;
  bool truncated = false;
  PngMessage message;
};

void on_read(png_structp png, png_bytep out, png_size_t length) {
  auto* state = static_cast<PngState*>(png_get_io_ptr(png));
  if (state->size - state->offset < length) {
    state->truncated = true;
    png_error(png, "truncated");
  }
  std::memcpy(out, state->data + state->offset, length);
  state->offset += length;
}

// Only C calls from setjmp to return: see the banner.
bool read_header(PngState* s) {
  if (setjmp(png_jmpbuf(s->png))) return false;
  // Pillow limits only the pixel count (checked by the caller); libpng's default is 10^6 a side.
  png_set_user_limits(s->png, 0x7fffffff, 0x7fffffff);
  // Ancillary-chunk problems (bad CRC, oversized profile) are warnings, as Pillow skips them.
  png_set_crc_action(s->png, PNG_CRC_QUIET_USE, PNG_CRC_DEFAULT);
  png_set_benign_errors(s->png, 1);
  png_read_info(s->png, s->info);
  return true;
}

// The transforms; png_read_update_info allocates rows, so the caller checks the size first.
bool set_transforms(PngState* s) {
  if (setjmp(png_jmpbuf(s->png))) return false;
  const png_byte color_type = png_get_color_type(s->png, s->info);
  const png_byte depth = png_get_bit_depth(s->png, s->info);
  if (depth < 8) {
    if (color_type == PNG_COLOR_TYPE_GRAY) {
      png_set_expand_gray_1_2_4_to_8(s->png);  // 0..2^d-1 scaled to 0..255, as Pillow's L;2/L;4
    } else {
      png_set_packing(s->png);  // palette indices, one a byte
    }
  }
  if (depth == 16 && color_type != PNG_COLOR_TYPE_GRAY) png_set_strip_16(s->png);
  png_set_interlace_handling(s->png);
  png_read_update_info(s->png, s->info);
  return true;
}

bool read_rows(PngState* s, png_bytepp rows) {
  if (setjmp(png_jmpbuf(s->png))) return false;
  png_read_image(s->png, rows);
  return true;
}

// Chunks after the image data (eXIf, iTXt): Pillow reads them when the image loads, and
// tolerates damage there.
void read_end(PngState* s) {
  if (setjmp(png_jmpbuf(s->png))) return;
  png_read_end(s->png, s->info);
}

struct Reader {
  PngState state;
  Reader(const std::uint8_t* data, std::size_t size) {
    state.data = data;
    state.size = size;
    state.png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, &state.message, on_png_error, on_png_warning);
    if (state.png != nullptr) state.info = png_create_info_struct(state.png);
    if (state.info == nullptr) {
      png_destroy_read_struct(&state.png, nullptr, nullptr);
      throw std::bad_alloc();
    }
    png_set_read_fn(state.png, &state, on_read);
  }
  ~Reader() { png_destroy_read_struct(&state.png, &state.info, nullptr); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
};

[[noreturn]] void fail(const PngState& state) {
  if (state.truncated) throw std::invalid_argument("truncated PNG data");
  throw std::invalid_argument(std::string("corrupt PNG data: ") + state.message.text);
}

}  // namespace

DecodedImage decode_png(const std::uint8_t* data, std::size_t size, std::size_t max_pixels) {
  Reader reader(data, size);
  PngState& s = reader.state;
  if (!read_header(&s)) fail(s);
  const std::size_t width = png_get_image_width(s.png, s.info);
  const std::size_t height = png_get_image_height(s.png, s.info);
  check_image_size("PNG", width, height, max_pixels);
  if (!set_transforms(&s)) fail(s);
  const int color_type = png_get_color_type(s.png, s.info);
  const int depth = png_get_bit_depth(s.png, s.info);  // after the transforms: 8 or 16 (grey)

  const std::size_t row_bytes = png_get_rowbytes(s.png, s.info);
  std::vector<std::uint8_t> raw(row_bytes * height);
  std::vector<png_bytep> rows(height);
  for (std::size_t y = 0; y < height; ++y) rows[y] = raw.data() + y * row_bytes;
  if (!read_rows(&s, rows.data())) fail(s);
  read_end(&s);

  DecodedImage result;
  png_bytep exif = nullptr;
  png_uint_32 exif_size = 0;
  if (png_get_eXIf_1(s.png, s.info, &exif_size, &exif) != 0 && exif != nullptr) {
    result.exif.assign({'E', 'x', 'i', 'f', 0, 0});
    result.exif.insert(result.exif.end(), exif, exif + exif_size);
  }
  png_textp texts = nullptr;
  int text_count = 0;
  png_get_text(s.png, s.info, &texts, &text_count);
  for (int i = 0; i < text_count; ++i) {
    if (std::strcmp(texts[i].key, "XML:com.adobe.xmp") == 0 && texts[i].text != nullptr) {
      const std::size_t length = texts[i].itxt_length ? texts[i].itxt_length : texts[i].text_length;
      result.xmp.assign(texts[i].text, length);
    }
  }

  png_colorp palette = nullptr;
  int palette_size = 0;
  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    png_get_PLTE(s.png, s.info, &palette, &palette_size);
  }
  result.image = new_rgb_image(width, height);
  for (std::size_t y = 0; y < height; ++y) {
    const std::uint8_t* in = rows[y];
    std::uint8_t* out = &result.image.pixels[y * width * 3];
    for (std::size_t x = 0; x < width; ++x, out += 3) {
      switch (color_type) {
        case PNG_COLOR_TYPE_GRAY: {
          // 16-bit: Pillow's I;16 -> RGB clips (v > 255 -> 255), it does not shift.
          const std::uint8_t v =
              depth == 16 ? (in[2 * x] == 0 ? in[2 * x + 1] : std::uint8_t{255}) : in[x];
          out[0] = out[1] = out[2] = v;
          break;
        }
        case PNG_COLOR_TYPE_GRAY_ALPHA:
          out[0] = out[1] = out[2] = in[2 * x];
          break;
        case PNG_COLOR_TYPE_RGB:
          std::memcpy(out, in + 3 * x, 3);
          break;
        case PNG_COLOR_TYPE_RGB_ALPHA:
          std::memcpy(out, in + 4 * x, 3);
          break;
        case PNG_COLOR_TYPE_PALETTE:
          if (in[x] < palette_size) {
            out[0] = palette[in[x]].red;
            out[1] = palette[in[x]].green;
            out[2] = palette[in[x]].blue;
          }
          break;
        default:
          throw std::invalid_argument("unsupported PNG colour type " + std::to_string(color_type));
      }
    }
  }
  return result;
}

}  // namespace modelexport::image_detail
