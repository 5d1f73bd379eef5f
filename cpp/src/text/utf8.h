// UTF-8 helpers for the tokenizer: decoding one code point, appending one, making arbitrary bytes
// valid UTF-8, and turning byte offsets into code point offsets (what Python `str` indexes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace modelexport::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Length in bytes of the UTF-8 sequence that starts with `lead` (1 for continuation bytes, so
// that loops over valid text always advance).
inline std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

inline std::size_t utf8_length(char32_t c) {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c < 0x10000) return 3;
  return 4;
}

// Decodes the code point at `s[pos]` of *valid* UTF-8 and advances `pos` past it.
inline char32_t decode_utf8(std::string_view s, std::size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  const std::size_t n = utf8_length(b0);
  char32_t c = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < n; ++i) {
    c = (c << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  }
  pos += n;
  return c;
}

inline void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// `bytes` with every ill-formed subsequence replaced by U+FFFD, one per maximal subpart (the
// Unicode-recommended practice, as Python's bytes.decode("utf-8", "replace") does).
std::string to_valid_utf8(std::string_view bytes);

// Maps byte offsets of a valid UTF-8 string to code point offsets.
class ByteToCharOffsets {
 public:
  explicit ByteToCharOffsets(std::string_view text);
  // Converts [start, end) like tokenizers' BytesToCharOffsetConverter: an end at the end of the
  // text maps past the last character; a start outside the text leaves the pair unchanged.
  std::pair<std::size_t, std::size_t> convert(std::pair<std::size_t, std::size_t> bytes) const;

 private:
  std::size_t char_of_byte(std::size_t i) const { return ascii_ ? i : char_of_byte_[i]; }

  std::size_t size_ = 0;
  // ASCII text needs no table: byte and character offsets are the same.
  bool ascii_ = true;
  std::vector<std::size_t> char_of_byte_;
};

}  // namespace modelexport::text
