// ByteLevel decoder, as tokenizers' pre_tokenizers/byte_level.rs (Decoder part):
// {"add_prefix_space": bool, "trim_offsets": bool} (required by tokenizers, unused here).
#include "text/decoders/byte_level.h"

#include "text/byte_level_alphabet.h"
#include "text/utf8.h"

namespace modelexport::text {

std::unique_ptr<Decoder> ByteLevelDecoder::from_json(const JsonRef& json) {
  json.at("add_prefix_space").as_bool();
  json.at("trim_offsets").as_bool();
  return std::make_unique<ByteLevelDecoder>();
}

std::vector<std::string> ByteLevelDecoder::decode_chain(std::vector<std::string> tokens) const {
  std::string bytes;
  for (const std::string& token : tokens) {
    const std::size_t start = bytes.size();
    bool all_mapped = true;
    for (std::size_t pos = 0; pos < token.size();) {
      const auto byte = byte_level::char_to_byte(decode_utf8(token, pos));
      if (!byte) {
        all_mapped = false;
        break;
      }
      bytes.push_back(static_cast<char>(*byte));
    }
    // A token with a character outside the alphabet (an added token, say) is kept as is.
    if (!all_mapped) bytes.replace(start, std::string::npos, token);
  }
  std::vector<std::string> out;
  out.push_back(to_valid_utf8(bytes));
  return out;
}

}  // namespace modelexport::text
