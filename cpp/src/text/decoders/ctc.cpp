// CTC decoder, as tokenizers' decoders/ctc.rs:
// {"pad_token": "<pad>", "word_delimiter_token": "|", "cleanup": true}.
#include "text/decoders/ctc.h"

#include <string_view>

#include "text/decoders/wordpiece_decoder.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

// Rust's str::replace: an empty `from` matches at every character boundary, both ends included.
std::string rust_replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  if (from.empty()) {
    out.append(to);
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t n = utf8_length(static_cast<unsigned char>(text[pos]));
      out.append(text.substr(pos, n));
      out.append(to);
      pos += n;
    }
    return out;
  }
  std::size_t start = 0;
  for (std::size_t hit = text.find(from); hit != std::string_view::npos;
       hit = text.find(from, start)) {
    out.append(text.substr(start, hit - start));
    out.append(to);
    start = hit + from.size();
  }
  out.append(text.substr(start));
  return out;
}

}  // namespace

std::unique_ptr<Decoder> Ctc::from_json(const JsonRef& json) {
  // Read in document order (function arguments have no evaluation order) so the first problem
  // is the one reported.
  std::string pad_token = json.at("pad_token").as_string();
  std::string word_delimiter_token = json.at("word_delimiter_token").as_string();
  const bool cleanup = json.at("cleanup").as_bool();
  return std::make_unique<Ctc>(std::move(pad_token), std::move(word_delimiter_token), cleanup);
}

std::vector<std::string> Ctc::decode_chain(std::vector<std::string> tokens) const {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0 && tokens[i] == tokens[i - 1]) continue;  // consecutive duplicates
    std::string text = rust_replace(tokens[i], pad_token_, "");
    if (cleanup_)
      text = rust_replace(wordpiece_cleanup(std::move(text)), word_delimiter_token_, " ");
    if (!text.empty()) out.push_back(std::move(text));
  }
  return out;
}

}  // namespace modelexport::text
