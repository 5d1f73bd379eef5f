// Resizing on tiny hand-checked images (Pillow parity on random images is tests/
// test_image_resample.py).
#include <gtest/gtest.h>

#include "modelexport/image.h"

namespace modelexport {
namespace {

Image gray(std::size_t width, std::size_t height, std::vector<std::uint8_t> pixels) {
  return Image{width, height, 1, std::move(pixels)};
}

TEST(Resize, HalvingAveragesNeighboursWithPillowsRounding) {
  // Box and bilinear over two pixels at scale 2: (10 + 21) / 2 = 15.5 -> 16 (round half up).
  const Image in = gray(2, 1, {10, 21});
  EXPECT_EQ(resize(in, 1, 1, Resample::kBox).pixels, (std::vector<std::uint8_t>{16}));
  EXPECT_EQ(resize(in, 1, 1, Resample::kBilinear).pixels, (std::vector<std::uint8_t>{16}));
}

TEST(Resize, NearestRepeatsPixelsAndSameSizeCopies) {
  const Image in = gray(2, 1, {1, 2});
  EXPECT_EQ(resize(in, 4, 1, Resample::kNearest).pixels, (std::vector<std::uint8_t>{1, 1, 2, 2}));
  EXPECT_EQ(resize(in, 2, 1, Resample::kLanczos).pixels, in.pixels);
}

TEST(Resize, RingingFiltersClampToTheByteRange) {
  // A hard edge enlarged by lanczos overshoots on both sides: the undershoot clamps to 0 and the
  // overshoot to 255 (bytes as Pillow 13 returns them for this image).
  const Image in = gray(4, 1, {0, 0, 255, 255});
  EXPECT_EQ(resize(in, 16, 1, Resample::kLanczos).pixels,
            (std::vector<std::uint8_t>{12, 6, 0, 0, 0, 0, 23, 89, 166, 232, 255, 255, 255, 255, 249,
                                       243}));
}

TEST(Resize, ChannelsStayApart) {
  const Image in{2, 1, 3, {255, 0, 0, 255, 0, 0}};
  EXPECT_EQ(resize(in, 1, 1, Resample::kBicubic).pixels, (std::vector<std::uint8_t>{255, 0, 0}));
}

TEST(Resize, BadSizesAndFiltersAreErrors) {
  const Image in = gray(2, 2, {1, 2, 3, 4});
  EXPECT_THROW(resize(in, 0, 3, Resample::kBox), std::invalid_argument);
  EXPECT_THROW(resize(in, std::size_t{1} << 17, 3, Resample::kBox), std::invalid_argument);
  EXPECT_THROW(resize(gray(3, 3, {1}), 2, 2, Resample::kBox), std::invalid_argument);
  EXPECT_THROW(resample_from_pil(6), std::invalid_argument);
  EXPECT_EQ(parse_resample("bicubic"), Resample::kBicubic);
  EXPECT_EQ(resample_from_pil(3), Resample::kBicubic);
  EXPECT_THROW(parse_resample("cubic"), std::invalid_argument);
}

}  // namespace
}  // namespace modelexport
