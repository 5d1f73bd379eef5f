// EncodingData: the tokenizer's working encoding (tokenizers' Encoding), with the operations
// the pipeline applies to it: merging sequences, truncation and padding. Converted to the
// public modelexport::Encoding at the end.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/tokenizer.h"
#include "text/normalized_string.h"

namespace modelexport::text {

struct EncodingData {
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> type_ids;
  std::vector<std::string> tokens;
  std::vector<std::optional<std::uint32_t>> words;
  std::vector<Offsets> offsets;
  std::vector<std::uint32_t> special_tokens_mask;
  std::vector<std::uint32_t> attention_mask;
  // sequence id -> token range, as tokenizers keeps it (drives sequence_ids()).
  std::map<std::size_t, Offsets> sequence_ranges;
  // Parts removed by truncate(), each carried through post-processing and padding on its own.
  std::vector<EncodingData> overflowing;

  std::size_t size() const { return ids.size(); }

  void push(std::uint32_t id, std::string token, Offsets offset, std::optional<std::uint32_t> word,
            std::uint32_t type_id, std::uint32_t special);
  void set_sequence_id(std::size_t sequence_id) { sequence_ranges[sequence_id] = {0, size()}; }
  void set_type_ids(std::uint32_t type_id) { type_ids.assign(size(), type_id); }

  // Keeps at most `max_length` tokens (the first ones, or the last ones for kLeft); the rest
  // becomes overflowing parts of `max_length` tokens that overlap by `stride` tokens. Throws
  // std::invalid_argument when stride >= max_length > 0 (tokenizers panics there).
  void truncate(std::size_t max_length, std::size_t stride, Direction direction);
  // Appends `other`; with growing_offsets its offsets continue after ours. Overflowing parts
  // combine as in tokenizers: each of ours with `other` and its parts, then us with its parts.
  void merge_with(EncodingData other, bool growing_offsets);
  // Runs fn on every overflowing part (not recursively, as tokenizers' for_each_overflowing_mut).
  template <typename Fn>
  void for_each_overflowing(Fn fn) {
    for (EncodingData& part : overflowing) fn(part);
  }
  void pad(std::size_t target_length, std::uint32_t pad_id, std::uint32_t pad_type_id,
           const std::string& pad_token, Direction direction);

  // A copy of tokens [start, stop) with no sequence ranges and no overflowing parts.
  EncodingData slice(std::size_t start, std::size_t stop) const;

  Encoding to_public() const;
};

}  // namespace modelexport::text
