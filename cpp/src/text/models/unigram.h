// Unigram model (sentencepiece's unigram language model): the segmentation with the highest
// total score, found by Viterbi over a double-array trie of the pieces. Characters no piece
// covers become the unknown piece (score: lowest score - 10), and runs of unknowns are fused
// into one token; with byte_fallback, such a token becomes <0xXX> byte pieces when all exist.
// Mirrors tokenizers' models/unigram/model.rs (encode_optimized + tokenize).
#pragma once

#include <array>
#include <string>
#include <unordered_map>

#include "text/double_array.h"
#include "text/models/model.h"
#include "text/models/word_cache.h"

namespace modelexport::text {

class Unigram : public Model {
 public:
  // Throws std::invalid_argument when unk_id is set and the vocabulary is empty or too small.
  Unigram(std::vector<std::pair<std::string, double>> vocab, std::optional<std::uint32_t> unk_id,
          bool byte_fallback);

  static std::unique_ptr<Model> from_json(const JsonRef& json);

  void tokenize(std::string_view piece, std::vector<Token>& out) const override;
  std::optional<std::uint32_t> token_to_id(std::string_view token) const override;
  std::optional<std::string_view> id_to_token(std::uint32_t id) const override;
  std::size_t vocab_size() const override { return pieces_.size(); }

 private:
  // One token of a segmentation, in bytes of the word; is_byte marks a byte-fallback piece
  // (its text is the piece, <0xXX>, not the word's bytes).
  struct Segment {
    std::uint32_t id;
    std::uint32_t start;
    std::uint32_t end;
    bool is_byte;
  };
  // Words of up to 30 bytes and 8 tokens.
  using Cache = WordCache<Segment, 30, 8>;

  // Viterbi over the trie, then backtracking with runs of unknowns fused.
  void segment(std::string_view piece, std::vector<Segment>& out) const;

  std::vector<std::string> pieces_;
  std::vector<double> scores_;
  DoubleArray trie_;  // piece -> id (the last id of a duplicated piece)
  std::optional<std::uint32_t> unk_id_;
  bool byte_fallback_;
  double unk_score_;
  std::array<std::int32_t, 256> byte_ids_;  // id of "<0xXX>", -1 when absent
  std::int32_t empty_piece_id_ = -1;        // an empty piece never matches text
  std::uint64_t cache_owner_;
};

}  // namespace modelexport::text
