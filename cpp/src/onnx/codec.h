// Byte codecs used by the metadata format: base64 (RFC 4648, padded) and gzip.
#pragma once

#include <string>
#include <string_view>

namespace modelexport::codec {

std::string base64_encode(std::string_view bytes);
// Throws std::invalid_argument on characters outside the alphabet or bad padding.
std::string base64_decode(std::string_view text);

std::string gzip_compress(std::string_view bytes);
// Throws std::invalid_argument when `bytes` is not a complete gzip stream or would decode to
// more than `max_output` bytes (checked as it decodes: a gzip bomb never gets allocated).
std::string gzip_decompress(std::string_view bytes, std::size_t max_output);

}  // namespace modelexport::codec
