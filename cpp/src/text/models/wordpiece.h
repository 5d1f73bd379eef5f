// WordPiece model: greedy longest-match-first over the vocabulary; continuation pieces carry a
// prefix ("##"); a word with no full segmentation, or longer than max_input_chars_per_word
// characters, becomes the unknown token.
#pragma once

#include <string>
#include <unordered_map>

#include "text/double_array.h"
#include "text/models/model.h"
#include "text/models/vocabulary.h"

namespace modelexport::text {

class WordPiece : public Model {
 public:
  WordPiece(const std::vector<std::pair<std::string, std::uint32_t>>& vocab, std::string unk_token,
            std::string continuing_subword_prefix, std::size_t max_input_chars_per_word);
  WordPiece(const WordPiece&) = delete;  // the lookup table points into the reverse vocabulary
  WordPiece& operator=(const WordPiece&) = delete;

  static std::unique_ptr<Model> from_json(const JsonRef& json);

  void tokenize(std::string_view piece, std::vector<Token>& out) const override;
  std::optional<std::uint32_t> token_to_id(std::string_view token) const override {
    return vocab_.id(token);
  }
  std::optional<std::string_view> id_to_token(std::uint32_t id) const override {
    return vocab_.token(id);
  }
  std::size_t vocab_size() const override { return vocab_.size(); }

 private:
  void push_unknown(std::string_view piece, std::vector<Token>& out) const;

  Vocabulary vocab_;
  std::string unk_token_;
  std::string prefix_;
  std::size_t max_input_chars_per_word_;
  // The vocabulary as a byte trie: the longest vocabulary entry starting a text is one walk,
  // instead of one hash lookup per candidate length. Values index trie_ids_.
  DoubleArray trie_;
  std::vector<std::uint32_t> trie_ids_;
  // Where searches start: the root for a word's first token, the node of prefix_ for the
  // others (-1 when no vocabulary entry starts with it), so the prefix is never copied.
  std::int32_t root_node_ = -1;
  std::int32_t prefix_node_ = -1;
};

}  // namespace modelexport::text
