// The byte-level alphabet, built once as in tokenizers' pre_tokenizers/byte_level.rs: bytes
// '!'..'~', 0xA1..0xAC and 0xAE..0xFF keep their code point; the remaining 68 bytes, in
// increasing order, take U+0100, U+0101, ...
#include "text/byte_level_alphabet.h"

#include <array>

#include "text/utf8.h"

namespace modelexport::text::byte_level {
namespace {

constexpr char32_t kFirstShifted = 0x100;
constexpr std::size_t kReverseSize = kFirstShifted + 68;  // the highest character is U+0143

struct Alphabet {
  std::array<char32_t, 256> chars{};
  std::array<std::string, 256> utf8;
  std::array<std::string_view, 256> utf8_views;  // into utf8
  std::array<std::int16_t, kReverseSize> bytes{};

  Alphabet() {
    auto keeps_code_point = [](unsigned b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    char32_t next = kFirstShifted;
    for (unsigned b = 0; b < 256; ++b) {
      chars[b] = keeps_code_point(b) ? static_cast<char32_t>(b) : next++;
    }
    bytes.fill(-1);
    for (unsigned b = 0; b < 256; ++b) {
      append_utf8(utf8[b], chars[b]);
      bytes[chars[b]] = static_cast<std::int16_t>(b);
    }
    for (unsigned b = 0; b < 256; ++b) utf8_views[b] = utf8[b];
  }
  // The views point into this object.
  Alphabet(const Alphabet&) = delete;
  Alphabet& operator=(const Alphabet&) = delete;
};

const Alphabet& alphabet() {
  static const Alphabet kAlphabet;
  return kAlphabet;
}

}  // namespace

char32_t byte_to_char(std::uint8_t byte) { return alphabet().chars[byte]; }

std::string_view byte_to_utf8(std::uint8_t byte) { return alphabet().utf8_views[byte]; }

const std::array<std::string_view, 256>& utf8_table() { return alphabet().utf8_views; }

std::optional<std::uint8_t> char_to_byte(char32_t c) {
  if (c >= kReverseSize) return std::nullopt;
  const std::int16_t b = alphabet().bytes[c];
  if (b < 0) return std::nullopt;
  return static_cast<std::uint8_t>(b);
}

}  // namespace modelexport::text::byte_level
