// WordPiece decoder, as tokenizers' decoders/wordpiece.rs.
#include "text/decoders/wordpiece_decoder.h"

#include <string_view>
#include <utility>

namespace modelexport::text {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t start = 0;
  std::size_t hit = text.find(from);
  if (hit == std::string::npos) return;
  while (hit != std::string::npos) {
    out.append(text, start, hit - start);
    out.append(to);
    start = hit + from.size();
    hit = text.find(from, start);
  }
  out.append(text, start, std::string::npos);
  text = std::move(out);
}

}  // namespace

std::string wordpiece_cleanup(std::string text) {
  static constexpr std::pair<std::string_view, std::string_view> kReplacements[] = {
      {" .", "."},   {" ?", "?"},     {" !", "!"},     {" ,", ","},
      {" ' ", "'"},  {" n't", "n't"}, {" 'm", "'m"},   {" do not", " don't"},
      {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
  };
  for (const auto& [from, to] : kReplacements) replace_all(text, from, to);
  return text;
}

std::unique_ptr<Decoder> WordPieceDecoder::from_json(const JsonRef& json) {
  return std::make_unique<WordPieceDecoder>(json.string_or("prefix", "##"),
                                            json.bool_or("cleanup", true));
}

std::vector<std::string> WordPieceDecoder::decode_chain(std::vector<std::string> tokens) const {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string& token = tokens[i];
    if (i != 0) {
      if (token.compare(0, prefix_.size(), prefix_) == 0) {
        token.erase(0, prefix_.size());
      } else {
        token.insert(0, 1, ' ');
      }
    }
    if (cleanup_) token = wordpiece_cleanup(std::move(token));
  }
  return tokens;
}

}  // namespace modelexport::text
