// gzip streams through zlib, for metadata values above the compression threshold.
#include <zlib.h>

#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "onnx/codec.h"

namespace modelexport::codec {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 16: gzip header instead of a zlib one.

struct DeflateStream {
  z_stream stream{};
  DeflateStream() {
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("zlib deflateInit2 failed");
    }
  }
  ~DeflateStream() { deflateEnd(&stream); }
};

struct InflateStream {
  z_stream stream{};
  InflateStream() {
    if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
      throw std::runtime_error("zlib inflateInit2 failed");
    }
  }
  ~InflateStream() { inflateEnd(&stream); }
};

void check_size(std::string_view bytes) {
  if (bytes.size() > std::numeric_limits<uInt>::max()) {
    throw std::invalid_argument("metadata value over 4 GB");
  }
}

}  // namespace

std::string gzip_compress(std::string_view bytes) {
  check_size(bytes);
  DeflateStream d;
  std::string out(deflateBound(&d.stream, static_cast<uLong>(bytes.size())) + 32, '\0');
  d.stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  d.stream.avail_in = static_cast<uInt>(bytes.size());
  d.stream.next_out = reinterpret_cast<Bytef*>(out.data());
  d.stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&d.stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("gzip failed");
  out.resize(d.stream.total_out);
  return out;
}

std::string gzip_decompress(std::string_view bytes, std::size_t max_output) {
  check_size(bytes);
  InflateStream s;
  s.stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  s.stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    s.stream.next_out = reinterpret_cast<Bytef*>(chunk);
    s.stream.avail_out = sizeof(chunk);
    rc = inflate(&s.stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) throw std::invalid_argument("not a valid gzip stream");
    const std::size_t produced = sizeof(chunk) - s.stream.avail_out;
    if (out.size() + produced > max_output) {
      throw std::invalid_argument("decodes to more than " + std::to_string(max_output) +
                                  " bytes (limit)");
    }
    out.append(chunk, produced);
    if (rc == Z_OK && s.stream.avail_in == 0 && s.stream.avail_out != 0) {
      throw std::invalid_argument("truncated gzip stream");
    }
  }
  return out;
}

}  // namespace modelexport::codec
