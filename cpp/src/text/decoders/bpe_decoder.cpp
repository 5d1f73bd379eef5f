// BPEDecoder, as tokenizers' decoders/bpe.rs: {"suffix": "</w>"} (required).
#include "text/decoders/bpe_decoder.h"

#include <string_view>

#include "text/utf8.h"

namespace modelexport::text {
namespace {

// Rust str::replace: non-overlapping occurrences left to right; an empty `from` matches before
// every character and at the end.
std::string replace_all(const std::string& text, std::string_view from, std::string_view to) {
  std::string out;
  if (from.empty()) {
    out.append(to);
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t n = utf8_length(static_cast<unsigned char>(text[pos]));
      out.append(text, pos, n);
      out.append(to);
      pos += n;
    }
    return out;
  }
  std::size_t start = 0;
  for (std::size_t hit = text.find(from); hit != std::string::npos; hit = text.find(from, start)) {
    out.append(text, start, hit - start);
    out.append(to);
    start = hit + from.size();
  }
  out.append(text, start, std::string::npos);
  return out;
}

}  // namespace

std::unique_ptr<Decoder> BPEDecoder::from_json(const JsonRef& json) {
  return std::make_unique<BPEDecoder>(json.at("suffix").as_string());
}

std::vector<std::string> BPEDecoder::decode_chain(std::vector<std::string> tokens) const {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    tokens[i] = replace_all(tokens[i], suffix_, i + 1 == tokens.size() ? "" : " ");
  }
  return tokens;
}

}  // namespace modelexport::text
