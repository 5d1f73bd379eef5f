// Metaspace decoder, as the Decoder impl in tokenizers' pre_tokenizers/metaspace.rs (same JSON
// as the pre-tokenizer).
#include "text/decoders/metaspace_decoder.h"

#include "text/utf8.h"

namespace modelexport::text {

std::unique_ptr<Decoder> MetaspaceDecoder::from_json(const JsonRef& json) {
  return std::make_unique<MetaspaceDecoder>(metaspace_options_from_json(json));
}

std::vector<std::string> MetaspaceDecoder::decode_chain(std::vector<std::string> tokens) const {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    // Every replacement in the first token goes, not only a leading one (as in tokenizers).
    const bool drop = i == 0 && options_.prepend_scheme != PrependScheme::kNever;
    const std::string& token = tokens[i];
    std::string out;
    out.reserve(token.size());
    for (std::size_t pos = 0; pos < token.size();) {
      const std::size_t start = pos;
      const char32_t c = decode_utf8(token, pos);
      if (c != options_.replacement) {
        out.append(token, start, pos - start);
      } else if (!drop) {
        out.push_back(' ');
      }
    }
    tokens[i] = std::move(out);
  }
  return tokens;
}

}  // namespace modelexport::text
