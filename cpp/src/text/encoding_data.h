// EncodingData: the tokenizer's working encoding (tokenizers' Encoding), with the operations
// the pipeline applies to it: merging sequences, truncation and padding. Converted to the
// public modelexport::Encoding at the end.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/tokenizer.h"
#include "text/normalized_string.h"

namespace modelexport::text {

// Sequence id -> token range, as tokenizers keeps it (drives sequence_ids()). Ids are 0 and 1
// (a pair at most), so a fixed array rather than a map: every encoding sets them.
class SequenceRanges {
 public:
  static constexpr std::size_t kMaxSequences = 2;

  // Throws std::logic_error for an id >= kMaxSequences.
  void set(std::size_t id, Offsets range);
  const Offsets* find(std::size_t id) const {
    return id < kMaxSequences && ranges_[id] ? &*ranges_[id] : nullptr;
  }
  bool empty() const { return size() == 0; }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& range : ranges_) n += range ? 1 : 0;
    return n;
  }
  // Calls fn(id, range) for every id that has a range, in increasing id order.
  template <typename Fn>
  void for_each(Fn fn) {
    for (std::size_t id = 0; id < kMaxSequences; ++id) {
      if (ranges_[id]) fn(id, *ranges_[id]);
    }
  }

 private:
  std::array<std::optional<Offsets>, kMaxSequences> ranges_;
};

struct EncodingData {
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> type_ids;
  std::vector<std::string> tokens;
  std::vector<std::optional<std::uint32_t>> words;
  std::vector<Offsets> offsets;
  std::vector<std::uint32_t> special_tokens_mask;
  std::vector<std::uint32_t> attention_mask;
  SequenceRanges sequence_ranges;
  // Parts removed by truncate(), each carried through post-processing and padding on its own.
  std::vector<EncodingData> overflowing;

  std::size_t size() const { return ids.size(); }
  void reserve(std::size_t n);
  // Inserts special tokens (no offsets, no word, special mask 1) at token position `at`; the
  // sequence ranges behind them move along.
  void insert_special(std::size_t at, const std::vector<std::uint32_t>& special_ids,
                      const std::vector<std::string>& special_tokens, std::uint32_t type_id);

  void push(std::uint32_t id, std::string token, Offsets offset, std::optional<std::uint32_t> word,
            std::uint32_t type_id, std::uint32_t special);
  void set_sequence_id(std::size_t sequence_id) { sequence_ranges.set(sequence_id, {0, size()}); }
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

  // Moves the data into the public form (overflowing parts included).
  Encoding to_public() &&;
};

}  // namespace modelexport::text
