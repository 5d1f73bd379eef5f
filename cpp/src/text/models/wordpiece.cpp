// WordPiece model, as tokenizers' models/wordpiece/mod.rs.
#include "text/models/wordpiece.h"

#include <algorithm>
#include <stdexcept>

namespace modelexport::text {

WordPiece::WordPiece(const std::vector<std::pair<std::string, std::uint32_t>>& vocab,
                     std::string unk_token, std::string continuing_subword_prefix,
                     std::size_t max_input_chars_per_word)
    : vocab_(vocab),
      unk_token_(std::move(unk_token)),
      prefix_(std::move(continuing_subword_prefix)),
      max_input_chars_per_word_(max_input_chars_per_word) {
  std::vector<std::pair<std::string, std::int32_t>> keys;
  keys.reserve(vocab_.size());
  for (const auto& [token, id] : vocab_.entries()) {
    keys.emplace_back(std::string(token), static_cast<std::int32_t>(trie_ids_.size()));
    trie_ids_.push_back(id);
  }
  trie_ = DoubleArray(std::move(keys));
  root_node_ = trie_.node_of("");
  prefix_node_ = trie_.node_of(prefix_);
}

std::unique_ptr<Model> WordPiece::from_json(const JsonRef& json) {
  const auto vocab = vocab_from_json(json.at("vocab"));
  return std::make_unique<WordPiece>(vocab, json.string_or("unk_token", "[UNK]"),
                                     json.string_or("continuing_subword_prefix", "##"),
                                     json.uint_or("max_input_chars_per_word", 100));
}

void WordPiece::push_unknown(std::string_view piece, std::vector<Token>& out) const {
  auto unk = vocab_.id(unk_token_);
  if (!unk) {
    throw std::invalid_argument("WordPiece error: Missing [UNK] token from the vocabulary");
  }
  out.push_back(Token{*unk, unk_token_, {0, piece.size()}});
}

void WordPiece::tokenize(std::string_view piece, std::vector<Token>& out) const {
  if (piece.size() > max_input_chars_per_word_) {  // else it cannot have more characters
    std::size_t chars = 0;
    for (std::size_t pos = 0; pos < piece.size(); ++chars) {
      pos += utf8_length(static_cast<unsigned char>(piece[pos]));
    }
    if (chars > max_input_chars_per_word_) return push_unknown(piece, out);
  }

  const std::size_t first = out.size();
  // tokenizers tries ever shorter candidates (prefix + piece[start..end]) until one is in the
  // vocabulary: that is the longest vocabulary entry the text starts with, found in one walk.
  std::size_t start = 0;
  while (start < piece.size()) {
    const std::int32_t from = start > 0 ? prefix_node_ : root_node_;
    std::size_t longest = 0;
    std::int32_t value = -1;
    if (from >= 0) {
      trie_.common_prefix_search(from, piece.substr(start),
                                 [&](std::size_t length, std::int32_t v) {
                                   longest = length;
                                   value = v;
                                 });
    }
    if (value < 0) {
      out.resize(first);
      return push_unknown(piece, out);
    }
    std::string token = start > 0 ? prefix_ : std::string();
    token.append(piece, start, longest);
    out.push_back(Token{
        trie_ids_[static_cast<std::size_t>(value)], std::move(token), {start, start + longest}});
    start += longest;
  }
}

}  // namespace modelexport::text
