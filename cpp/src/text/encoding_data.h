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

  std::size_t size() const { return ids.size(); }

  void push(std::uint32_t id, std::string token, Offsets offset, std::optional<std::uint32_t> word,
            std::uint32_t type_id, std::uint32_t special);
  void set_sequence_id(std::size_t sequence_id) { sequence_ranges[sequence_id] = {0, size()}; }
  void set_type_ids(std::uint32_t type_id) { type_ids.assign(size(), type_id); }

  // Keeps at most `max_length` tokens (the first ones, or the last ones for kLeft).
  void truncate(std::size_t max_length, Direction direction);
  // Appends `other`; with growing_offsets its offsets continue after ours.
  void merge_with(EncodingData other, bool growing_offsets);
  void pad(std::size_t target_length, std::uint32_t pad_id, std::uint32_t pad_type_id,
           const std::string& pad_token, Direction direction);

  Encoding to_public() const;
};

}  // namespace modelexport::text
