// ByteLevel post-processor, as tokenizers' pre_tokenizers/byte_level.rs (PostProcessor part):
// {"add_prefix_space": bool, "trim_offsets": bool, "use_regex": bool} (the first two required).
#include "text/post_processors/byte_level.h"

#include <algorithm>

#include "text/byte_level_alphabet.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

bool is_space_like(char32_t c) {
  static const char32_t kSpaceChar = byte_level::byte_to_char(' ');
  return c == kSpaceChar || unicode::is_whitespace(c);
}

std::size_t leading_spaces(std::string_view token) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < token.size(); ++count) {
    if (!is_space_like(decode_utf8(token, pos))) break;
  }
  return count;
}

std::size_t trailing_spaces(std::string_view token) {
  std::size_t count = 0;
  std::size_t end = token.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(token[start]) & 0xC0) == 0x80) --start;
    std::size_t pos = start;
    if (!is_space_like(decode_utf8(token, pos))) break;
    ++count;
    end = start;
  }
  return count;
}

}  // namespace

void trim_byte_level_offsets(EncodingData& encoding, bool add_prefix_space) {
  for (std::size_t i = 0; i < encoding.size(); ++i) {
    const std::string& token = encoding.tokens[i];
    Offsets& offsets = encoding.offsets[i];
    std::size_t leading = leading_spaces(token);
    const std::size_t trailing = trailing_spaces(token);
    if (leading > 0) {
      const bool is_first = i == 0 || offsets.first == 0;
      // The one space add_prefix_space inserted maps to the first character: keep it.
      if (is_first && add_prefix_space && leading == 1) leading = 0;
      offsets.first = std::min(offsets.first + leading, offsets.second);
    }
    if (trailing > 0 && offsets.second >= trailing) {
      offsets.second = std::max(offsets.second - trailing, offsets.first);
    }
  }
}

std::unique_ptr<PostProcessor> ByteLevelPostProcessor::from_json(const JsonRef& json) {
  return std::make_unique<ByteLevelPostProcessor>(json.at("add_prefix_space").as_bool(),
                                                  json.at("trim_offsets").as_bool());
}

std::vector<EncodingData> ByteLevelPostProcessor::process_encodings(
    std::vector<EncodingData> encodings, bool) const {
  if (trim_offsets_) {
    for (EncodingData& encoding : encodings) {
      trim_byte_level_offsets(encoding, add_prefix_space_);
      for (EncodingData& part : encoding.overflowing) {
        trim_byte_level_offsets(part, add_prefix_space_);
      }
    }
  }
  return encodings;
}

}  // namespace modelexport::text
