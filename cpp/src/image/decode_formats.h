// Private to cpp/src/image: the per-format decoders behind decode_image (decode.cpp) and the
// helpers they share. Each decoder returns the image as Pillow's convert("RGB") sees it, before
// the EXIF orientation is applied, with the metadata Pillow reads the orientation from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "modelexport/image.h"

namespace modelexport::image_detail {

struct DecodedImage {
  Image image;                     // 3 channels (RGB)
  std::vector<std::uint8_t> exif;  // Pillow's info["exif"]: TIFF data, maybe after "Exif\0\0"
  std::string xmp;                 // Pillow's info["XML:com.adobe.xmp"] or info["xmp"]
};

DecodedImage decode_jpeg(const std::uint8_t* data, std::size_t size, std::size_t max_pixels);
DecodedImage decode_png(const std::uint8_t* data, std::size_t size, std::size_t max_pixels);
DecodedImage decode_gif(const std::uint8_t* data, std::size_t size, std::size_t max_pixels);
DecodedImage decode_webp(const std::uint8_t* data, std::size_t size, std::size_t max_pixels);
DecodedImage decode_bmp(const std::uint8_t* data, std::size_t size, std::size_t max_pixels);

// Throws std::invalid_argument for a zero-size image or one over max_pixels ("<format> image
// of WxH pixels ..."); called with the declared size, before any pixel is allocated.
void check_image_size(std::string_view format, std::size_t width, std::size_t height,
                      std::size_t max_pixels);

// An RGB image of width x height, its pixels allocated (zero).
Image new_rgb_image(std::size_t width, std::size_t height);

// Pillow's orientation for the image: EXIF tag 0x0112 of IFD0 (Image.getexif), else XMP's
// tiff:Orientation; 1 when there is none or it cannot be read.
int image_orientation(const std::vector<std::uint8_t>& exif, const std::string& xmp);

// The image transposed as ImageOps.exif_transpose does for an orientation of 2..8 (others
// return it unchanged).
Image apply_orientation(Image image, int orientation);

}  // namespace modelexport::image_detail
