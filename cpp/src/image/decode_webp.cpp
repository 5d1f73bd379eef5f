// WebP through libwebp's demuxer and animation decoder, the path Pillow's WebP plugin takes for
// every file (lossy, lossless, alpha, animated): the first frame composed on the canvas as RGBA,
// of which convert("RGB") keeps the colour channels. EXIF and XMP come from their chunks.
#include <webp/decode.h>
#include <webp/demux.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "image/decode_formats.h"

namespace modelexport::image_detail {
namespace {

struct DemuxDeleter {
  void operator()(WebPDemuxer* demux) const { WebPDemuxDelete(demux); }
};
struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* decoder) const { WebPAnimDecoderDelete(decoder); }
};

std::string chunk(WebPDemuxer* demux, const char* fourcc) {
  WebPChunkIterator it;
  if (!WebPDemuxGetChunk(demux, fourcc, 1, &it)) return {};
  std::string bytes(reinterpret_cast<const char*>(it.chunk.bytes), it.chunk.size);
  WebPDemuxReleaseChunkIterator(&it);
  return bytes;
}

}  // namespace

DecodedImage decode_webp(const std::uint8_t* data, std::size_t size, std::size_t max_pixels) {
  const WebPData webp{data, size};
  WebPDemuxState state = WEBP_DEMUX_PARSE_ERROR;
  const std::unique_ptr<WebPDemuxer, DemuxDeleter> demux(WebPDemuxPartial(&webp, &state));
  if (state == WEBP_DEMUX_PARSE_ERROR || !demux) {
    throw std::invalid_argument("corrupt WebP data");
  }
  if (state != WEBP_DEMUX_DONE) throw std::invalid_argument("truncated WebP data");
  // The canvas size, checked before the decoder allocates the canvas.
  const std::size_t width = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_WIDTH);
  const std::size_t height = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_HEIGHT);
  check_image_size("WebP", width, height, max_pixels);

  DecodedImage result;
  const std::string exif = chunk(demux.get(), "EXIF");
  result.exif.assign(exif.begin(), exif.end());
  result.xmp = chunk(demux.get(), "XMP ");

  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) throw std::runtime_error("libwebp version mismatch");
  options.color_mode = MODE_RGBA;
  options.use_threads = 0;
  const std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> decoder(
      WebPAnimDecoderNew(&webp, &options));
  if (!decoder) throw std::invalid_argument("corrupt WebP data");
  std::uint8_t* rgba = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderGetNext(decoder.get(), &rgba, &timestamp) || rgba == nullptr) {
    throw std::invalid_argument("corrupt WebP data (the first frame does not decode)");
  }
  result.image = new_rgb_image(width, height);
  std::uint8_t* out = result.image.pixels.data();
  for (std::size_t i = 0; i < width * height; ++i) {
    out[3 * i] = rgba[4 * i];
    out[3 * i + 1] = rgba[4 * i + 1];
    out[3 * i + 2] = rgba[4 * i + 2];
  }
  return result;
}

}  // namespace modelexport::image_detail
