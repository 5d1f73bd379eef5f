// JPEG through libjpeg-turbo, as Pillow decodes it: JDCT_ISLOW and fancy upsampling (libjpeg's
// defaults), 1 component -> L, 3 -> RGB, 4 -> CMYK read as Adobe-inverted ("CMYK;I") and
// converted with Pillow's cmyk2rgb.
//
// libjpeg reports errors through error_exit, which must not return. It longjmps back to a
// setjmp in read_header/read_pixels below: C-style frames with no C++ object that has a
// destructor, so the jump skips none; the C++ caller destroys the decompressor through a guard.
#include <csetjmp>
#include <cstdio>
#include <stdexcept>
#include <string>

// jpeglib.h needs FILE and size_t declared first.
#include <jerror.h>
#include <jpeglib.h>

#include "image/decode_formats.h"

namespace modelexport::image_detail {
namespace {

// libjpeg-turbo has no scan limit of its own; a progressive file may declare thousands of
// scans, each a full pass over the coefficients. Real files have about 10.
constexpr int kMaxScans = 1000;

struct JpegState {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr err;
  jpeg_progress_mgr progress;
  std::jmp_buf jump;
  bool truncated;
  char message[JMSG_LENGTH_MAX];
};

JpegState* state_of(j_common_ptr cinfo) {
  // err is the first thing error_exit can reach; the state holds it.
  return static_cast<JpegState*>(cinfo->client_data);
}

void on_error_exit(j_common_ptr cinfo) {
  JpegState* state = state_of(cinfo);
  (*cinfo->err->format_message)(cinfo, state->message);
  std::longjmp(state->jump, 1);
}

void on_emit_message(j_common_ptr cinfo, int level) {
  // Warnings (level -1) are ignored as Pillow ignores them, except running out of data:
  // libjpeg then inserts an EOI and returns grey, where Pillow reports a truncated file.
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) state_of(cinfo)->truncated = true;
}

void on_progress(j_common_ptr cinfo) {
  auto* dinfo = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (dinfo->progressive_mode && dinfo->input_scan_number > kMaxScans) {
    JpegState* state = state_of(cinfo);
    std::snprintf(state->message, sizeof state->message, "more than %d progressive scans",
                  kMaxScans);
    std::longjmp(state->jump, 1);
  }
}

// Only C calls and trivially destructible locals from here to the return: see the banner.
bool read_header(JpegState* s, const std::uint8_t* data, std::size_t size) {
  if (setjmp(s->jump)) return false;
  jpeg_create_decompress(&s->cinfo);
  s->cinfo.client_data = s;
  s->cinfo.progress = &s->progress;
  jpeg_mem_src(&s->cinfo, data, static_cast<unsigned long>(size));
  jpeg_save_markers(&s->cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&s->cinfo, TRUE);
  return true;
}

bool read_pixels(JpegState* s, std::uint8_t* out, std::size_t row_bytes) {
  if (setjmp(s->jump)) return false;
  jpeg_start_decompress(&s->cinfo);
  while (s->cinfo.output_scanline < s->cinfo.output_height && !s->truncated) {
    JSAMPROW row = out + std::size_t{s->cinfo.output_scanline} * row_bytes;
    jpeg_read_scanlines(&s->cinfo, &row, 1);
  }
  return true;
}

struct Decompressor {
  JpegState state{};
  Decompressor() {
    state.cinfo.err = jpeg_std_error(&state.err);
    state.err.error_exit = on_error_exit;
    state.err.emit_message = on_emit_message;
    state.progress.progress_monitor = on_progress;
    state.cinfo.client_data = &state;
  }
  ~Decompressor() { jpeg_destroy_decompress(&state.cinfo); }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
};

[[noreturn]] void fail(const JpegState& state) {
  // Data running out mid-header ends in an error about the fake EOI libjpeg inserted.
  if (state.truncated) throw std::invalid_argument("truncated JPEG data");
  throw std::invalid_argument(std::string("corrupt JPEG data: ") + state.message);
}

// Pillow's MULDIV255: a * b / 255, rounded, in integers.
int muldiv255(int a, int b) {
  const int t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

}  // namespace

DecodedImage decode_jpeg(const std::uint8_t* data, std::size_t size, std::size_t max_pixels) {
  Decompressor decompressor;
  JpegState& s = decompressor.state;
  if (!read_header(&s, data, size)) fail(s);
  if (s.truncated) throw std::invalid_argument("truncated JPEG data");

  DecodedImage result;
  for (jpeg_saved_marker_ptr m = s.cinfo.marker_list; m != nullptr; m = m->next) {
    const std::string_view payload(reinterpret_cast<const char*>(m->data), m->data_length);
    if (payload.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
      // Pillow keeps the first segment whole and appends later ones without their header.
      result.exif.insert(result.exif.end(), m->data + (result.exif.empty() ? 0 : 6),
                         m->data + m->data_length);
    } else if (payload.substr(0, 29) == std::string_view("http://ns.adobe.com/xap/1.0/\0", 29)) {
      result.xmp = std::string(payload.substr(29));  // the last one wins, as in Pillow
    }
  }

  const int components = s.cinfo.num_components;
  if (components == 1) {
    s.cinfo.out_color_space = JCS_GRAYSCALE;
  } else if (components == 3) {
    s.cinfo.out_color_space = JCS_RGB;
  } else if (components == 4) {
    s.cinfo.out_color_space = JCS_CMYK;
  } else {
    throw std::invalid_argument("unsupported JPEG with " + std::to_string(components) +
                                " components");
  }
  const std::size_t width = s.cinfo.image_width;
  const std::size_t height = s.cinfo.image_height;
  check_image_size("JPEG", width, height, max_pixels);

  const std::size_t channels = static_cast<std::size_t>(components);
  std::vector<std::uint8_t> raw(width * height * channels);
  if (!read_pixels(&s, raw.data(), width * channels)) fail(s);
  if (s.truncated) throw std::invalid_argument("truncated JPEG data");

  result.image = new_rgb_image(width, height);
  std::uint8_t* out = result.image.pixels.data();
  const std::size_t n = width * height;
  if (channels == 3) {
    result.image.pixels = std::move(raw);
  } else if (channels == 1) {
    for (std::size_t i = 0; i < n; ++i) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = raw[i];
  } else {
    // "CMYK;I": Pillow assumes Adobe's inverted CMYK for every 4-component JPEG, then
    // convert("RGB") computes each channel as (255 - k) - c * (255 - k) / 255.
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t* p = &raw[4 * i];
      const int nk = p[3];  // 255 - (255 - k)
      for (int ch = 0; ch < 3; ++ch) {
        const int v = nk - muldiv255(255 - p[ch], nk);
        out[3 * i + ch] = static_cast<std::uint8_t>(v < 0 ? 0 : v);
      }
    }
  }
  return result;
}

}  // namespace modelexport::image_detail
