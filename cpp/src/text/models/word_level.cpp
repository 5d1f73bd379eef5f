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
  const JsonRef vocab_json = json.at("vocab");
  if (!vocab_json.json().is_object()) vocab_json.fail("expected an object {token: id}");
  std::vector<std::pair<std::string, std::uint32_t>> vocab;
  vocab.reserve(vocab_json.json().size());
  for (auto it = vocab_json.json().begin(); it != vocab_json.json().end(); ++it) {
    const nlohmann::json& id = it.value();
    const bool valid = id.is_number_integer() &&
                       (id.is_number_unsigned() || id.get<std::int64_t>() >= 0) &&
                       id.get<std::uint64_t>() <= 0xFFFFFFFFu;
    if (!valid) {
      // Tokens are data, not member names: always quoted.
      vocab_json.view(id, vocab_json.path() + "[" + nlohmann::json(it.key()).dump() + "]")
          .fail("expected a token id (0..2^32-1)");
    }
    vocab.emplace_back(it.key(), id.get<std::uint32_t>());
  }
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
