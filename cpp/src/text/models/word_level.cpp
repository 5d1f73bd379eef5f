// WordLevel model, as tokenizers' models/wordlevel: {"vocab": {token: id}, "unk_token": "<unk>"}.
#include "text/models/word_level.h"

#include <stdexcept>

namespace modelexport::text {

WordLevel::WordLevel(const std::vector<std::pair<std::string, std::uint32_t>>& vocab,
                     std::string unk_token)
    : vocab_(vocab), unk_token_(std::move(unk_token)) {}

std::unique_ptr<Model> WordLevel::from_json(const JsonRef& json) {
  const auto vocab = vocab_from_json(json.at("vocab"));
  return std::make_unique<WordLevel>(vocab, json.string_or("unk_token", "<unk>"));
}

void WordLevel::tokenize(std::string_view piece, std::vector<Token>& out) const {
  if (auto id = vocab_.id(piece)) {
    out.push_back(Token{*id, std::string(piece), {0, piece.size()}});
    return;
  }
  auto unk = vocab_.id(unk_token_);
  if (!unk) {
    throw std::invalid_argument("WordLevel error: Missing [UNK] token from the vocabulary");
  }
  out.push_back(Token{*unk, unk_token_, {0, piece.size()}});
}

}  // namespace modelexport::text
