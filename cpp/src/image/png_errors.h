// Private to cpp/src/image: libpng's error and warning callbacks for the PNG reader and writer.
// The error pointer given to png_create_*_struct is a PngMessage, which receives the message
// before libpng's longjmp to the setjmp of the caller's C-style frame.
#pragma once

#include <png.h>

#include <cstdio>

namespace modelexport::image_detail {

struct PngMessage {
  char text[200] = {};
};

inline void on_png_error(png_structp png, png_const_charp message) {
  auto* out = static_cast<PngMessage*>(png_get_error_ptr(png));
  std::snprintf(out->text, sizeof out->text, "%s", message);
  png_longjmp(png, 1);
}

// Warnings are dropped, as Pillow does not report them either.
inline void on_png_warning(png_structp, png_const_charp) {}

}  // namespace modelexport::image_detail
