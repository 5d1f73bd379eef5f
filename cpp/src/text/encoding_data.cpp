// EncodingData operations, mirroring tokenizers' tokenizer/encoding.rs (truncate, merge_with,
// pad, get_sequence_ids), overflowing parts included.
#include "text/encoding_data.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>

namespace modelexport::text {
namespace {

template <typename T>
void keep_range(std::vector<T>& v, std::size_t start, std::size_t stop) {
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(stop), v.end());
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(start));
}

template <typename T>
void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

template <typename T>
void pad_vector(std::vector<T>& v, std::size_t count, const T& value, Direction direction) {
  v.insert(direction == Direction::kLeft ? v.begin() : v.end(), count, value);
}

}  // namespace

void EncodingData::push(std::uint32_t id, std::string token, Offsets offset,
                        std::optional<std::uint32_t> word, std::uint32_t type_id,
                        std::uint32_t special) {
  ids.push_back(id);
  tokens.push_back(std::move(token));
  offsets.push_back(offset);
  words.push_back(word);
  type_ids.push_back(type_id);
  special_tokens_mask.push_back(special);
  attention_mask.push_back(1);
}

void EncodingData::reserve(std::size_t n) {
  ids.reserve(n);
  type_ids.reserve(n);
  tokens.reserve(n);
  words.reserve(n);
  offsets.reserve(n);
  special_tokens_mask.reserve(n);
  attention_mask.reserve(n);
}

void EncodingData::insert_special(std::size_t at, const std::vector<std::uint32_t>& special_ids,
                                  const std::vector<std::string>& special_tokens,
                                  std::uint32_t type_id) {
  const std::size_t n = special_ids.size();
  if (n == 0) return;
  const auto where = static_cast<std::ptrdiff_t>(at);
  ids.insert(ids.begin() + where, special_ids.begin(), special_ids.end());
  tokens.insert(tokens.begin() + where, special_tokens.begin(), special_tokens.end());
  type_ids.insert(type_ids.begin() + where, n, type_id);
  words.insert(words.begin() + where, n, std::nullopt);
  offsets.insert(offsets.begin() + where, n, Offsets{0, 0});
  special_tokens_mask.insert(special_tokens_mask.begin() + where, n, 1);
  attention_mask.insert(attention_mask.begin() + where, n, 1);
  sequence_ranges.for_each([at, n](std::size_t, Offsets& range) {
    if (range.first >= at) range = {range.first + n, range.second + n};
  });
}

EncodingData EncodingData::slice(std::size_t start, std::size_t stop) const {
  EncodingData part;
  const auto b = static_cast<std::ptrdiff_t>(start);
  const auto e = static_cast<std::ptrdiff_t>(stop);
  part.ids.assign(ids.begin() + b, ids.begin() + e);
  part.type_ids.assign(type_ids.begin() + b, type_ids.begin() + e);
  part.tokens.assign(tokens.begin() + b, tokens.begin() + e);
  part.words.assign(words.begin() + b, words.begin() + e);
  part.offsets.assign(offsets.begin() + b, offsets.begin() + e);
  part.special_tokens_mask.assign(special_tokens_mask.begin() + b, special_tokens_mask.begin() + e);
  part.attention_mask.assign(attention_mask.begin() + b, attention_mask.begin() + e);
  return part;
}

void EncodingData::truncate(std::size_t max_length, std::size_t stride, Direction direction) {
  const std::size_t length = size();
  if (max_length >= length) return;
  if (max_length == 0) {
    // tokenizers moves everything into one overflowing part.
    EncodingData whole = std::move(*this);
    *this = EncodingData();
    overflowing.push_back(std::move(whole));
    return;
  }
  if (stride >= max_length) {
    throw std::invalid_argument("Truncation error: stride (" + std::to_string(stride) +
                                ") must be strictly less than the length to truncate to (" +
                                std::to_string(max_length) +
                                ", special tokens already subtracted)");
  }
  // Windows of max_length tokens whose starts are (max_length - stride) apart, in the
  // truncation direction, until one reaches the end of the encoding.
  const std::size_t step = max_length - stride;
  std::vector<Offsets> parts;
  if (direction == Direction::kRight) {
    for (std::size_t start = 0; start < length; start += step) {
      const std::size_t stop = std::min(start + max_length, length);
      parts.push_back({start, stop});
      if (stop == length) break;
    }
  } else {
    for (std::size_t last = length; last > 0; last = last > step ? last - step : 0) {
      const std::size_t start = last > max_length ? last - max_length : 0;
      parts.push_back({start, last});
      if (start == 0) break;
    }
  }
  EncodingData kept = slice(parts.front().first, parts.front().second);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    kept.overflowing.push_back(slice(parts[i].first, parts[i].second));
  }
  *this = std::move(kept);
}

void SequenceRanges::set(std::size_t id, Offsets range) {
  if (id >= kMaxSequences) {
    throw std::logic_error("sequence id " + std::to_string(id) + " beyond a pair of sequences");
  }
  ranges_[id] = range;
}

void EncodingData::merge_with(EncodingData other, bool growing_offsets) {
  if (ids.empty() && sequence_ranges.empty() && overflowing.empty()) {
    // Merging into nothing yields `other` itself, overflowing parts included.
    *this = std::move(other);
    return;
  }
  std::vector<EncodingData> combined;
  for (const EncodingData& mine : overflowing) {
    EncodingData with_other = mine;
    with_other.merge_with(other, growing_offsets);
    combined.push_back(std::move(with_other));
    for (const EncodingData& theirs : other.overflowing) {
      EncodingData with_part = mine;
      with_part.merge_with(theirs, growing_offsets);
      combined.push_back(std::move(with_part));
    }
  }
  for (const EncodingData& theirs : other.overflowing) {
    EncodingData with_part = *this;  // keeps our parts: tokenizers nests them here
    with_part.merge_with(theirs, growing_offsets);
    combined.push_back(std::move(with_part));
  }
  overflowing = std::move(combined);

  const std::size_t original_length = size();
  other.sequence_ranges.for_each([&](std::size_t sequence_id, const Offsets& range) {
    sequence_ranges.set(sequence_id,
                        {original_length + range.first, original_length + range.second});
  });
  const std::size_t starting_offset =
      growing_offsets && !offsets.empty() ? offsets.back().second : 0;
  append(ids, other.ids);
  append(type_ids, other.type_ids);
  append(tokens, other.tokens);
  append(words, other.words);
  for (const Offsets& o : other.offsets) {
    offsets.push_back({o.first + starting_offset, o.second + starting_offset});
  }
  append(special_tokens_mask, other.special_tokens_mask);
  append(attention_mask, other.attention_mask);
}

void EncodingData::pad(std::size_t target_length, std::uint32_t pad_id, std::uint32_t pad_type_id,
                       const std::string& pad_token, Direction direction) {
  for (EncodingData& part : overflowing) {
    part.pad(target_length, pad_id, pad_type_id, pad_token, direction);
  }
  if (size() >= target_length) return;
  const std::size_t count = target_length - size();
  pad_vector(ids, count, pad_id, direction);
  pad_vector(type_ids, count, pad_type_id, direction);
  pad_vector(tokens, count, pad_token, direction);
  pad_vector(words, count, std::optional<std::uint32_t>(), direction);
  pad_vector(attention_mask, count, std::uint32_t{0}, direction);
  pad_vector(special_tokens_mask, count, std::uint32_t{1}, direction);
  pad_vector(offsets, count, Offsets{0, 0}, direction);
  if (direction == Direction::kLeft) {
    sequence_ranges.for_each([count](std::size_t, Offsets& range) {
      range = {range.first + count, range.second + count};
    });
  }
}

Encoding EncodingData::to_public() && {
  Encoding out;
  const std::size_t n = size();
  out.ids.assign(ids.begin(), ids.end());
  out.type_ids.assign(type_ids.begin(), type_ids.end());
  out.tokens = std::move(tokens);
  out.offsets.assign(offsets.begin(), offsets.end());
  out.special_tokens_mask.assign(special_tokens_mask.begin(), special_tokens_mask.end());
  out.attention_mask.assign(attention_mask.begin(), attention_mask.end());
  out.word_ids.reserve(n);
  for (const auto& w : words) out.word_ids.push_back(w ? static_cast<std::int64_t>(*w) : -1);
  // tokenizers' get_sequence_ids: without ranges everything is sequence 0.
  out.sequence_ids.assign(n, -1);
  const std::size_t n_sequences = sequence_ranges.empty() ? 1 : sequence_ranges.size();
  for (std::size_t seq = 0; seq < n_sequences; ++seq) {
    const Offsets* found = sequence_ranges.find(seq);
    const Offsets range = found == nullptr ? Offsets{0, n} : *found;
    for (std::size_t i = range.first; i < range.second && i < n; ++i) {
      out.sequence_ids[i] = static_cast<std::int64_t>(seq);
    }
  }
  out.overflowing.reserve(overflowing.size());
  for (EncodingData& part : overflowing) out.overflowing.push_back(std::move(part).to_public());
  return out;
}

}  // namespace modelexport::text
