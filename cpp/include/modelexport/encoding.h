// Encoding: one encoded input (a single sequence or a pair), field for field like tokenizers'
// Encoding, with the operations pipelines need to map between tokens, words and characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace modelexport {

enum class Direction { kLeft, kRight };

struct Encoding {
  std::vector<std::int64_t> ids;
  std::vector<std::int64_t> type_ids;
  std::vector<std::string> tokens;
  // [start, end) character offsets into the input text the token came from (the first or the
  // second sequence of a pair); (0, 0) for special and padding tokens.
  std::vector<std::pair<std::size_t, std::size_t>> offsets;
  std::vector<std::int64_t> special_tokens_mask;  // 1 for special and padding tokens
  std::vector<std::int64_t> attention_mask;       // 0 for padding tokens
  std::vector<std::int64_t> word_ids;             // pre-token index, -1 for special/padding
  std::vector<std::int64_t> sequence_ids;         // 0 or 1, -1 for special/padding
  // With truncation: the parts cut off, each a full encoding (special tokens, padding) whose
  // first `stride` tokens repeat the end of the previous part, as tokenizers returns them.
  std::vector<Encoding> overflowing;

  std::size_t size() const { return ids.size(); }

  // Pads to `length` tokens on `direction` (nothing when already as long), overflowing parts
  // too, as tokenizers' Encoding.pad: padding tokens have attention 0, special mask 1, no word,
  // no sequence and offsets (0, 0).
  void pad(std::size_t length, std::int64_t pad_id, std::int64_t pad_type_id,
           const std::string& pad_token, Direction direction = Direction::kRight);

  // The sequence (0 or 1) of `token`; nullopt for special/padding tokens or out of range.
  std::optional<std::size_t> token_to_sequence(std::size_t token) const;
  // The word of `token` in its sequence; nullopt for special/padding tokens or out of range.
  std::optional<std::size_t> token_to_word(std::size_t token) const;
  // [first, last) tokens of `word` in `sequence`; nullopt when no token belongs to it.
  std::optional<std::pair<std::size_t, std::size_t>> word_to_tokens(std::size_t word,
                                                                    std::size_t sequence = 0) const;
  // [start, end) characters of `word` in `sequence`.
  std::optional<std::pair<std::size_t, std::size_t>> word_to_chars(std::size_t word,
                                                                   std::size_t sequence = 0) const;
  // The token of `sequence` whose offsets hold character `position`.
  std::optional<std::size_t> char_to_token(std::size_t position, std::size_t sequence = 0) const;
};

}  // namespace modelexport
