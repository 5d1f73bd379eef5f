// decode_image and encode_png on hand-made inputs: round trips, EXIF orientation, and the
// one-line errors for empty, unknown, truncated, corrupt, zero-size and oversized (bomb) data.
// Pixel parity with Pillow on real files is tests/test_image_decode.py.
#include <gtest/gtest.h>
#include <zlib.h>

#include <stdexcept>
#include <string>

#include "modelexport/image_decode.h"

namespace modelexport {
namespace {

using Bytes = std::vector<std::uint8_t>;

void append_be32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void append_chunk(Bytes& png, const std::string& type, const Bytes& data) {
  append_be32(png, static_cast<std::uint32_t>(data.size()));
  Bytes body(type.begin(), type.end());
  body.insert(body.end(), data.begin(), data.end());
  png.insert(png.end(), body.begin(), body.end());
  append_be32(png,
              static_cast<std::uint32_t>(crc32(0, body.data(), static_cast<uInt>(body.size()))));
}

// An 8-bit RGB PNG (filter 0) with optional extra chunks before IDAT; `pixels` is empty or
// height * width * 3 bytes.
Bytes rgb_png(std::uint32_t width, std::uint32_t height, const Bytes& pixels,
              const std::vector<std::pair<std::string, Bytes>>& extra = {}) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes header;
  append_be32(header, width);
  append_be32(header, height);
  header.insert(header.end(), {8, 2, 0, 0, 0});
  append_chunk(png, "IHDR", header);
  for (const auto& [type, data] : extra) append_chunk(png, type, data);
  Bytes raw;
  // Without pixels (headers of bombs), the IDAT holds no rows.
  for (std::size_t y = 0; !pixels.empty() && y < height; ++y) {
    raw.push_back(0);
    raw.insert(raw.end(), pixels.begin() + static_cast<std::ptrdiff_t>(y * width * 3),
               pixels.begin() + static_cast<std::ptrdiff_t>((y + 1) * width * 3));
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  Bytes compressed(size);
  EXPECT_EQ(compress(compressed.data(), &size, raw.data(), static_cast<uLong>(raw.size())), Z_OK);
  compressed.resize(size);
  append_chunk(png, "IDAT", compressed);
  append_chunk(png, "IEND", {});
  return png;
}

Image decode(const Bytes& data, std::size_t max_pixels = limits::kMaxDecodedImagePixels) {
  return decode_image(data.data(), data.size(), ImageDecodeOptions{max_pixels});
}

// The message of the std::invalid_argument decoding throws (one line), or "" if none.
std::string error_of(const Bytes& data, std::size_t max_pixels = limits::kMaxDecodedImagePixels) {
  try {
    decode(data, max_pixels);
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  return "";
}

TEST(ImageDecode, EncodePngRoundTripsRgbAndGray) {
  const Image rgb{3, 2, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 255}};
  const Bytes png = encode_png(rgb);
  const Image back = decode(png);
  EXPECT_EQ(back.width, 3u);
  EXPECT_EQ(back.height, 2u);
  EXPECT_EQ(back.channels, 3u);
  EXPECT_EQ(back.pixels, rgb.pixels);

  const Image gray{2, 1, 1, {0, 200}};
  EXPECT_EQ(decode(encode_png(gray)).pixels, (Bytes{0, 0, 0, 200, 200, 200}));
}

TEST(ImageDecode, EncodePngRefusesWhatItCannotWrite) {
  EXPECT_THROW(encode_png(Image{0, 0, 3, {}}), std::invalid_argument);
  EXPECT_THROW(encode_png(Image{1, 1, 2, {1, 2}}), std::invalid_argument);
  EXPECT_THROW(encode_png(Image{2, 2, 3, {1, 2, 3}}), std::invalid_argument);
}

TEST(ImageDecode, ExifOrientationRotatesAsPillowDoes) {
  // eXIf: big-endian TIFF, IFD0 with one entry, Orientation (0x0112) SHORT = 6 (ROTATE_270).
  const Bytes exif = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3,
                      0,   0,   0, 1,  0, 6, 0, 0, 0, 0, 0,    0,    0, 0};
  const Bytes pixels = {10, 10, 10, 20, 20, 20};  // [A B], one row
  const Image plain = decode(rgb_png(2, 1, pixels));
  EXPECT_EQ(plain.width, 2u);
  const Image rotated = decode(rgb_png(2, 1, pixels, {{"eXIf", exif}}));
  EXPECT_EQ(rotated.width, 1u);
  EXPECT_EQ(rotated.height, 2u);
  EXPECT_EQ(rotated.pixels, pixels);  // clockwise: A above B
}

TEST(ImageDecode, ErrorsAreOneLineInvalidArguments) {
  EXPECT_NE(error_of({}).find("empty"), std::string::npos);
  EXPECT_NE(error_of({'h', 'e', 'l', 'l', 'o'}).find("unsupported image format"),
            std::string::npos);
  const Bytes png = encode_png(Image{4, 4, 3, Bytes(48, 7)});
  EXPECT_NE(error_of(Bytes(png.begin(), png.begin() + 40)).find("truncated PNG"),
            std::string::npos);
  Bytes corrupt = png;
  corrupt[45] ^= 0xFF;  // inside IDAT: its CRC no longer matches
  EXPECT_NE(error_of(corrupt).find("PNG"), std::string::npos);
  EXPECT_NE(error_of({0xFF, 0xD8, 0xFF, 0xE0}).find("truncated JPEG"), std::string::npos);
  EXPECT_NE(error_of({'G', 'I', 'F', '8', '9', 'a', 1, 0}).find("GIF"), std::string::npos);
  EXPECT_NE(error_of({'R', 'I', 'F', 'F', 9, 9, 0, 0, 'W', 'E', 'B', 'P'}).find("WebP"),
            std::string::npos);
  EXPECT_NE(error_of({'B', 'M', 0, 0}).find("BMP"), std::string::npos);
}

TEST(ImageDecode, BombsAreRefusedFromTheirHeader) {
  // 100000 x 100000 declared, no pixel data: refused before anything is allocated or read.
  EXPECT_NE(error_of(rgb_png(100000, 100000, {})).find("above the limit of 178956970 pixels"),
            std::string::npos);
  // GIF: a 65535 x 65535 logical screen and frame.
  const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 0xFF, 0xFF, 0xFF, 0xFF, 0, 0,
                     0,   ',', 0,   0,   0,   0,   0xFF, 0xFF, 0xFF, 0xFF, 0, 2};
  EXPECT_NE(error_of(gif).find("above the limit"), std::string::npos);
  // The limit is the caller's to lower.
  EXPECT_NE(error_of(encode_png(Image{4, 4, 3, Bytes(48, 7)}), 15).find("above the limit of 15"),
            std::string::npos);
  EXPECT_EQ(decode(encode_png(Image{4, 4, 3, Bytes(48, 7)}), 16).width, 4u);
}

TEST(ImageDecode, ZeroSizeImagesAreErrors) {
  EXPECT_NE(error_of(rgb_png(0, 3, {})).find("PNG"), std::string::npos);
  const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 0, 0, 0, 0, 0,    0,    0, ',', 0,
                     0,   0,   0,   0,   0,   0,   0, 0, 2, 2, 0x4C, 0x01, 0, ';'};
  EXPECT_NE(error_of(gif).find("zero-size"), std::string::npos);
}

TEST(ImageDecode, LoadImageFilePrefixesThePath) {
  EXPECT_THROW(load_image_file("/nonexistent/image.png"), std::runtime_error);
  const std::string path = ::testing::TempDir() + "modelexport_not_an_image.png";
  FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  std::fputs("text", file);
  std::fclose(file);
  try {
    load_image_file(path);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": unsupported image format", 0), 0u) << e.what();
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace modelexport
