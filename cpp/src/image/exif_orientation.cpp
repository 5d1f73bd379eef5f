// The orientation Pillow's ImageOps.exif_transpose reads (EXIF tag 0x0112 in IFD0, read with
// libexif; else XMP's tiff:Orientation) and the transposition it applies for it.
#include <libexif/exif-data.h>

#include <algorithm>
#include <memory>
#include <string_view>

#include "image/decode_formats.h"

namespace modelexport::image_detail {
namespace {

struct ExifDataDeleter {
  void operator()(ExifData* data) const { exif_data_unref(data); }
};

// Image.getexif: the orientation entry of IFD0 as one integer (a count other than 1 gives a
// tuple there, which exif_transpose ignores); 0 when absent or unreadable.
int exif_orientation(const std::vector<std::uint8_t>& exif) {
  if (exif.empty()) return 0;
  // libexif wants the APP1 payload ("Exif\0\0" + TIFF); PNG eXIf and some WebP EXIF chunks
  // hold bare TIFF data, which Pillow accepts too.
  std::vector<std::uint8_t> payload;
  static const std::uint8_t kHeader[] = {'E', 'x', 'i', 'f', 0, 0};
  if (exif.size() < 6 || !std::equal(kHeader, kHeader + 6, exif.begin())) {
    payload.assign(kHeader, kHeader + 6);
  }
  payload.insert(payload.end(), exif.begin(), exif.end());
  std::unique_ptr<ExifData, ExifDataDeleter> data(exif_data_new());
  if (!data) return 0;
  // Read what is there: no "fixing" (adding mandatory tags) and no dropping of tags.
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  if (payload.size() > 0xFFFFFFFFu) return 0;
  exif_data_load_data(data.get(), payload.data(), static_cast<unsigned int>(payload.size()));
  ExifEntry* entry = exif_content_get_entry(data->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
  if (entry == nullptr || entry->components != 1 || entry->data == nullptr) return 0;
  const ExifByteOrder order = exif_data_get_byte_order(data.get());
  switch (entry->format) {
    case EXIF_FORMAT_SHORT:
      return entry->size >= 2 ? exif_get_short(entry->data, order) : 0;
    case EXIF_FORMAT_LONG: {
      const ExifLong value = entry->size >= 4 ? exif_get_long(entry->data, order) : 0;
      return value <= 8 ? static_cast<int>(value) : 0;
    }
    case EXIF_FORMAT_BYTE:
      return entry->size >= 1 ? entry->data[0] : 0;
    default:
      return 0;
  }
}

// Image.getexif's XMP fallback: the first tiff:Orientation="N or <tiff:Orientation>N.
int xmp_orientation(const std::string& xmp) {
  static constexpr std::string_view kTag = "tiff:Orientation";
  for (std::size_t at = xmp.find(kTag); at != std::string::npos; at = xmp.find(kTag, at + 1)) {
    const std::string_view rest = std::string_view(xmp).substr(at + kTag.size());
    std::size_t digit = 0;
    if (rest.substr(0, 2) == "=\"") {
      digit = 2;
    } else if (rest.substr(0, 1) == ">") {
      digit = 1;
    } else {
      continue;
    }
    if (rest.size() > digit && rest[digit] >= '0' && rest[digit] <= '9') return rest[digit] - '0';
  }
  return 0;
}

}  // namespace

int image_orientation(const std::vector<std::uint8_t>& exif, const std::string& xmp) {
  if (const int orientation = exif_orientation(exif); orientation != 0) return orientation;
  if (const int orientation = xmp_orientation(xmp); orientation != 0) return orientation;
  return 1;
}

Image apply_orientation(Image image, int orientation) {
  if (orientation < 2 || orientation > 8) return image;
  const std::size_t w = image.width;
  const std::size_t h = image.height;
  const std::size_t c = image.channels;
  // Orientations 5-8 swap the sides (Pillow's TRANSPOSE, ROTATE_270, TRANSVERSE, ROTATE_90).
  const bool swap = orientation >= 5;
  Image out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.channels = c;
  out.pixels.resize(image.pixels.size());
  for (std::size_t y = 0; y < out.height; ++y) {
    for (std::size_t x = 0; x < out.width; ++x) {
      std::size_t sx = x;
      std::size_t sy = y;
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          break;  // FLIP_LEFT_RIGHT
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;  // ROTATE_180
        case 4:
          sy = h - 1 - y;
          break;  // FLIP_TOP_BOTTOM
        case 5:
          sx = y;
          sy = x;
          break;  // TRANSPOSE
        case 6:
          sx = y;
          sy = h - 1 - x;
          break;  // ROTATE_270
        case 7:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;  // TRANSVERSE
        default:
          sx = w - 1 - y;
          sy = x;
          break;  // 8: ROTATE_90
      }
      const std::uint8_t* src = &image.pixels[(sy * w + sx) * c];
      std::copy(src, src + c, &out.pixels[(y * out.width + x) * c]);
    }
  }
  return out;
}

}  // namespace modelexport::image_detail
