// The byte-level alphabet of GPT-2 style tokenizers: every byte 0..255 is shown as one printable
// Unicode character (printable Latin-1 bytes as themselves, the others as U+0100..U+0143), so
// that any UTF-8 text becomes a string over 256 characters that BPE can merge. Shared by the
// ByteLevel pre-tokenizer, post-processor and decoder (tokenizers' bytes_char()).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace modelexport::text::byte_level {

// The character that stands for `byte`.
char32_t byte_to_char(std::uint8_t byte);
// The UTF-8 encoding of byte_to_char(byte) (1 or 2 bytes).
std::string_view byte_to_utf8(std::uint8_t byte);
// byte_to_utf8 of every byte, for loops over whole texts.
const std::array<std::string_view, 256>& utf8_table();
// The byte a character of the alphabet stands for; nullopt for characters outside it.
std::optional<std::uint8_t> char_to_byte(char32_t c);

}  // namespace modelexport::text::byte_level
