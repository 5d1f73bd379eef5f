// Encoding operations (see modelexport/encoding.h), with tokenizers' semantics.
#include "modelexport/encoding.h"

#include <algorithm>

namespace modelexport {
namespace {

// The [first, last) token range of `sequence` (tokenizers keeps one range per sequence id).
std::optional<std::pair<std::size_t, std::size_t>> sequence_range(const Encoding& e,
                                                                  std::size_t sequence) {
  std::size_t first = e.size();
  std::size_t last = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e.sequence_ids[i] == static_cast<std::int64_t>(sequence)) {
      first = std::min(first, i);
      last = i + 1;
    }
  }
  if (first >= last) return std::nullopt;
  return std::make_pair(first, last);
}

}  // namespace

void Encoding::pad(std::size_t length, std::int64_t pad_id, std::int64_t pad_type_id,
                   const std::string& pad_token, Direction direction) {
  for (Encoding& part : overflowing) {
    part.pad(length, pad_id, pad_type_id, pad_token, direction);
  }
  if (size() >= length) return;
  const std::size_t count = length - size();
  const bool left = direction == Direction::kLeft;
  auto fill = [&](auto& values, const auto& value) {
    values.insert(left ? values.begin() : values.end(), count, value);
  };
  fill(ids, pad_id);
  fill(type_ids, pad_type_id);
  fill(tokens, pad_token);
  fill(offsets, std::pair<std::size_t, std::size_t>{0, 0});
  fill(special_tokens_mask, std::int64_t{1});
  fill(attention_mask, std::int64_t{0});
  fill(word_ids, std::int64_t{-1});
  fill(sequence_ids, std::int64_t{-1});
}

std::optional<std::size_t> Encoding::token_to_sequence(std::size_t token) const {
  if (token >= size() || sequence_ids[token] < 0) return std::nullopt;
  return static_cast<std::size_t>(sequence_ids[token]);
}

std::optional<std::size_t> Encoding::token_to_word(std::size_t token) const {
  if (token >= size() || word_ids[token] < 0) return std::nullopt;
  return static_cast<std::size_t>(word_ids[token]);
}

std::optional<std::pair<std::size_t, std::size_t>> Encoding::word_to_tokens(
    std::size_t word, std::size_t sequence) const {
  const auto range = sequence_range(*this, sequence);
  if (!range) return std::nullopt;
  const auto wanted = static_cast<std::int64_t>(word);
  std::optional<std::size_t> begin;
  std::size_t end = 0;
  for (std::size_t i = range->first; i < range->second; ++i) {
    const std::int64_t w = word_ids[i];
    if (w > wanted) break;  // words are in order; a token without a word does not stop the scan
    if (w == wanted) {
      if (!begin) begin = i;
      end = i + 1;
    }
  }
  if (!begin) return std::nullopt;
  return std::make_pair(*begin, end);
}

std::optional<std::pair<std::size_t, std::size_t>> Encoding::word_to_chars(
    std::size_t word, std::size_t sequence) const {
  const auto tokens_of_word = word_to_tokens(word, sequence);
  if (!tokens_of_word) return std::nullopt;
  return std::make_pair(offsets[tokens_of_word->first].first,
                        offsets[tokens_of_word->second - 1].second);
}

std::optional<std::size_t> Encoding::char_to_token(std::size_t position,
                                                   std::size_t sequence) const {
  const auto range = sequence_range(*this, sequence);
  if (!range) return std::nullopt;
  for (std::size_t i = range->first; i < range->second; ++i) {
    if (offsets[i].first <= position && position < offsets[i].second) return i;
  }
  return std::nullopt;
}

}  // namespace modelexport
