// AddedVocabulary: tokens added on top of the model's vocabulary (tokenizer.json's
// "added_tokens": [CLS], [SEP], [MASK], ...). They are cut out of the input before the
// normalizer and pre-tokenizer run: tokens with normalized=false are matched in the raw text,
// the others in the normalized text, honoring lstrip/rstrip/single_word. Mirrors tokenizers'
// tokenizer/added_vocabulary.rs.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "text/models/model.h"
#include "text/normalizers/normalizer.h"
#include "text/pre_tokenized_string.h"

namespace modelexport::text {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;

  bool operator==(const AddedToken& o) const {
    return content == o.content && single_word == o.single_word && lstrip == o.lstrip &&
           rstrip == o.rstrip && normalized == o.normalized && special == o.special;
  }
};

class AddedVocabulary {
 public:
  // Adds `tokens` in order like tokenizers' add_tokens: a token takes the id its content
  // already has (added or model vocabulary), else the next free id after the model's vocabulary.
  void add_tokens(const std::vector<AddedToken>& tokens, const Model& model,
                  const Normalizer* normalizer);

  // Splits `text` into added tokens (already tokenized) and normalized remaining parts.
  PreTokenizedString extract_and_normalize(const Normalizer* normalizer, std::string text) const;

  std::optional<std::uint32_t> token_to_id(std::string_view token) const;
  // For decoding: the normalized form of normalized tokens, else the content.
  std::optional<std::string> id_to_token(std::uint32_t id) const;
  bool is_special_token(std::string_view token) const;
  std::size_t size() const { return by_content_.size(); }
  // Added tokens whose content the model's vocabulary does not have.
  std::size_t count_not_in(const Model& model) const;

 private:
  // Byte-wise trie with leftmost-longest, non-overlapping matching (daachorse's MatchKind).
  struct Trie {
    struct Node {
      std::map<unsigned char, std::size_t> next;
      std::optional<std::uint32_t> id;
    };
    std::vector<Node> nodes;
    // The first bytes of the patterns: other positions cannot start a match.
    std::array<bool, 256> first_bytes{};
    void build(const std::vector<std::pair<std::string, std::uint32_t>>& patterns);
    bool empty() const { return nodes.size() <= 1; }
    // (start, end, id) of each match, scanning left to right.
    std::vector<std::tuple<std::size_t, std::size_t, std::uint32_t>> find_all(
        std::string_view text) const;
  };

  void refresh();
  std::vector<Split> split_with_matches(NormalizedString text, const Trie& trie) const;

  std::unordered_map<std::string, std::uint32_t> by_content_;
  std::map<std::uint32_t, AddedToken> by_id_;
  std::unordered_map<std::uint32_t, std::string> normalized_content_;
  std::set<std::string, std::less<>> special_;
  Trie raw_trie_;
  Trie normalized_trie_;
};

}  // namespace modelexport::text
