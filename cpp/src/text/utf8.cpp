// UTF-8 validation/repair and byte-to-character offset conversion.
#include "text/utf8.h"

namespace modelexport::text {
namespace {

// Length of the well-formed sequence at `pos`, or 0 with `bad` set to the length of the maximal
// ill-formed subpart (at least 1) to replace with one U+FFFD.
std::size_t well_formed_length(std::string_view s, std::size_t pos, std::size_t& bad) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  bad = 1;
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlongs
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlongs
    if (b0 == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  for (std::size_t i = 1; i < n; ++i) {
    if (pos + i >= s.size()) return 0;
    const auto b = static_cast<unsigned char>(s[pos + i]);
    const unsigned char first_lo = i == 1 ? lo : 0x80;
    const unsigned char first_hi = i == 1 ? hi : 0xBF;
    if (b < first_lo || b > first_hi) return 0;
    bad = i + 1;
  }
  return n;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t bad = 0;
    const std::size_t n = well_formed_length(bytes, pos, bad);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() + 8);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t bad = 0;
    const std::size_t n = well_formed_length(bytes, pos, bad);
    if (n == 0) {
      append_utf8(out, kReplacementChar);
      pos += bad;
    } else {
      out.append(bytes.substr(pos, n));
      pos += n;
    }
  }
  return out;
}

ByteToCharOffsets::ByteToCharOffsets(std::string_view text) : size_(text.size()) {
  for (const char byte : text) {
    if (static_cast<unsigned char>(byte) >= 0x80) {
      ascii_ = false;
      break;
    }
  }
  if (ascii_) return;
  char_of_byte_.resize(text.size());
  std::size_t chars = 0;
  for (std::size_t pos = 0; pos < text.size(); ++chars) {
    const std::size_t n = utf8_length(static_cast<unsigned char>(text[pos]));
    for (std::size_t i = 0; i < n && pos + i < text.size(); ++i) char_of_byte_[pos + i] = chars;
    pos += n;
  }
}

std::pair<std::size_t, std::size_t> ByteToCharOffsets::convert(
    std::pair<std::size_t, std::size_t> bytes) const {
  if (bytes.first >= size_) return bytes;
  const std::size_t start = char_of_byte(bytes.first);
  if (bytes.second < size_) return {start, char_of_byte(bytes.second)};
  const std::size_t last =
      bytes.second >= 1 && bytes.second - 1 < size_ ? char_of_byte(bytes.second - 1) : start + 1;
  return {start, last + 1};
}

}  // namespace modelexport::text
