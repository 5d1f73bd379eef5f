// WordLevel model, as tokenizers' models/wordlevel: {"vocab": {token: id}, "unk_token": "<unk>"}.
#include "text/models/word_level.h"

#include <stdexcept>

namespace modelexport::text {

WordLevel::WordLevel(const std::vector<std::pair<std::string, std::uint32_t>>& vocab,
                     std::string unk_token)
    : unk_token_(std::move(unk_token)) {
  vocab_r_.reserve(vocab.size());
  for (const auto& [token, id] : vocab) vocab_r_[id] = token;  // the last token of an id wins
  vocab_.reserve(vocab.size());
  for (const auto& [token, id] : vocab) {
    const std::string& stored = vocab_r_[id];
    if (stored == token) {
      vocab_[stored] = id;
    } else {
      shadowed_.push_back(std::make_unique<std::string>(token));
      vocab_[*shadowed_.back()] = id;
    }
  }
}

std::unique_ptr<Model> WordLevel::from_json(const JsonRef& json) {
  const auto vocab = vocab_from_json(json.at("vocab"));
  return std::make_unique<WordLevel>(vocab, json.string_or("unk_token", "<unk>"));
}

void WordLevel::tokenize(std::string_view piece, std::vector<Token>& out) const {
  if (auto it = vocab_.find(piece); it != vocab_.end()) {
    out.push_back(Token{it->second, std::string(piece), {0, piece.size()}});
    return;
  }
  auto unk = vocab_.find(unk_token_);
  if (unk == vocab_.end()) {
    throw std::invalid_argument("WordLevel error: Missing [UNK] token from the vocabulary");
  }
  out.push_back(Token{unk->second, unk_token_, {0, piece.size()}});
}

std::optional<std::uint32_t> WordLevel::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> WordLevel::id_to_token(std::uint32_t id) const {
  auto it = vocab_r_.find(id);
  if (it == vocab_r_.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace modelexport::text
