// Replace decoder, as the Decoder impl in tokenizers' normalizers/replace.rs (same JSON as the
// normalizer: {"pattern": {"String": "▁"}, "content": " "}).
#include "text/decoders/replace_decoder.h"

namespace modelexport::text {

std::unique_ptr<Decoder> ReplaceDecoder::from_json(const JsonRef& json) {
  // Read in document order (function arguments have no evaluation order).
  ReplacePattern pattern = ReplacePattern::from_json(json.at("pattern"));
  return std::make_unique<ReplaceDecoder>(std::move(pattern), json.at("content").as_string());
}

std::vector<std::string> ReplaceDecoder::decode_chain(std::vector<std::string> tokens) const {
  for (std::string& token : tokens) {
    std::string out;
    for (const auto& [range, is_match] : pattern_.find_matches(token)) {
      if (is_match) {
        out += content_;
      } else {
        out.append(token, range.first, range.second - range.first);
      }
    }
    token = std::move(out);
  }
  return tokens;
}

}  // namespace modelexport::text
