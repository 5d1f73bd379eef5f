// Strip decoder, as tokenizers' decoders/strip.rs: {"content": " ", "start": 1, "stop": 0}.
#include "text/decoders/strip_decoder.h"

#include "text/pre_tokenizers/char_delimiter_split.h"
#include "text/utf8.h"

namespace modelexport::text {

std::unique_ptr<Decoder> StripDecoder::from_json(const JsonRef& json) {
  // Read in document order (function arguments have no evaluation order).
  const char32_t content = char_from_json(json.at("content"));
  const auto start = static_cast<std::size_t>(json.at("start").as_uint());
  const auto stop = static_cast<std::size_t>(json.at("stop").as_uint());
  return std::make_unique<StripDecoder>(content, start, stop);
}

std::vector<std::string> StripDecoder::decode_chain(std::vector<std::string> tokens) const {
  for (std::string& token : tokens) {
    // Character starts, plus the end.
    std::vector<std::size_t> bounds;
    std::vector<char32_t> chars;
    for (std::size_t pos = 0; pos < token.size();) {
      bounds.push_back(pos);
      chars.push_back(decode_utf8(token, pos));
    }
    bounds.push_back(token.size());
    std::size_t start_cut = 0;
    while (start_cut < start_ && start_cut < chars.size() && chars[start_cut] == content_) {
      ++start_cut;
    }
    std::size_t stop_cut = chars.size();
    // tokenizers panics when stripping would run past the other end of the token (a token of
    // only the content with start and stop both set, or stop above its length); here the cuts
    // stop at the start cut instead.
    for (std::size_t i = 0; i < stop_ && stop_cut > start_cut && chars[stop_cut - 1] == content_;
         ++i) {
      --stop_cut;
    }
    token = token.substr(bounds[start_cut], bounds[stop_cut] - bounds[start_cut]);
  }
  return tokens;
}

}  // namespace modelexport::text
