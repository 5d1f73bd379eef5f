// BPE model (GPT-2, RoBERTa, original BPE with "</w>", byte-fallback models): splits a word into
// characters (vocabulary ids, with the unknown token or <0xXX> byte tokens for the others), then
// applies the ranked merges, lowest rank first, exactly as tokenizers' models/bpe does.
// Recent words are cached per thread, so concurrent tokenize() calls are safe and lock-free.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "text/models/model.h"

namespace modelexport::text {

struct BPEOptions {
  std::optional<std::string> unk_token;
  std::optional<std::string> continuing_subword_prefix;
  std::optional<std::string> end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
  // dropout == 1: every merge is dropped (the only deterministic non-zero dropout).
  bool drop_all_merges = false;
};

class BPE : public Model {
 public:
  // Throws std::invalid_argument when a merge names a token (or makes one) that is not in the
  // vocabulary.
  BPE(const std::vector<std::pair<std::string, std::uint32_t>>& vocab,
      const std::vector<std::pair<std::string, std::string>>& merges, BPEOptions options);
  BPE(const BPE&) = delete;  // views point into our own storage
  BPE& operator=(const BPE&) = delete;
  ~BPE() override;

  static std::unique_ptr<Model> from_json(const JsonRef& json);

  void tokenize(std::string_view piece, std::vector<Token>& out) const override;
  std::optional<std::uint32_t> token_to_id(std::string_view token) const override;
  std::optional<std::string_view> id_to_token(std::uint32_t id) const override;
  std::size_t vocab_size() const override { return vocab_.size(); }

  // One symbol of a merged word: its token id and the number of bytes of the word it covers.
  struct Piece {
    std::uint32_t id;
    std::uint32_t len;
  };

 private:
  struct MergeTable;
  class Cache;

  // tokens -> pieces (tokenizers' merge_word).
  void merge_word(std::string_view word, std::vector<Piece>& pieces) const;
  std::optional<std::uint32_t> char_id(std::string_view word, std::size_t start, std::size_t end,
                                       std::string& scratch) const;
  void push_tokens(const std::vector<Piece>& pieces, std::vector<Token>& out) const;
  std::uint32_t unk_id() const;

  std::string arena_;                                          // every token, back to back
  std::unordered_map<std::string_view, std::uint32_t> vocab_;  // views into arena_
  std::vector<std::string_view> vocab_r_dense_;                // id -> token when ids are dense
  std::vector<bool> has_id_;
  std::unordered_map<std::uint32_t, std::string_view> vocab_r_sparse_;
  std::unique_ptr<MergeTable> merges_;
  BPEOptions options_;
  std::optional<std::uint32_t> unk_id_;
  // Ids of single characters below U+0800, for the 4 combinations of (prefix, suffix):
  // -1 when not in the vocabulary. Saves building a string per character.
  static constexpr char32_t kFastChars = 0x800;
  std::vector<std::int64_t> char_ids_;
  std::array<std::int64_t, 256> byte_ids_{};  // ids of the <0xXX> tokens, -1 when absent
  std::uint64_t instance_;                    // distinguishes our entries in the per-thread cache
};

}  // namespace modelexport::text
