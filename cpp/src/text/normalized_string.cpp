// NormalizedString: alignment-preserving edits, offset conversion, slicing and splitting,
// mirroring tokenizers' tokenizer/normalizer.rs.
#include "text/normalized_string.h"

#include <algorithm>
#include <stdexcept>

#include "text/normalization_forms.h"
#include "text/unicode.h"

namespace modelexport::text {

NormalizedString::NormalizedString(std::string original)
    : original_(std::move(original)), normalized_(original_) {
  alignments_.reserve(original_.size());
  for (std::size_t pos = 0; pos < original_.size();) {
    const std::size_t n = utf8_length(static_cast<unsigned char>(original_[pos]));
    for (std::size_t i = 0; i < n; ++i) alignments_.push_back({pos, pos + n});
    pos += n;
  }
}

std::optional<Offsets> NormalizedString::normalized_to_original(std::size_t start,
                                                                std::size_t end) const {
  if (start == end) return Offsets{start, end};
  if (start > end || end > alignments_.size()) return std::nullopt;
  return Offsets{alignments_[start].first, alignments_[end - 1].second};
}

std::optional<Offsets> NormalizedString::original_to_normalized(std::size_t start,
                                                                std::size_t end) const {
  if (start == end) return Offsets{start, end};
  if (start > end) return std::nullopt;
  std::optional<std::size_t> first;
  std::optional<std::size_t> last;
  for (std::size_t i = 0; i < alignments_.size() && end >= alignments_[i].second; ++i) {
    const Offsets& a = alignments_[i];
    // Zero-width alignments (characters inserted at the very start) never start a range.
    if (!first && start <= a.first && a.first != a.second) first = i;
    last = i + 1;
  }
  if (first && last) return Offsets{*first, *last};
  if (first) return Offsets{*first, *first};
  if (last) return Offsets{*last, *last};
  return std::nullopt;
}

bool NormalizedString::consumes_all(const std::vector<CharChange>& dest,
                                    std::size_t initial_offset) const {
  std::size_t chars = 0;
  for (const char byte : normalized_) chars += (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
  std::size_t consumed = initial_offset;
  for (const CharChange& ch : dest) {
    if (ch.change <= 0) consumed += 1 + static_cast<std::size_t>(-ch.change);
  }
  return consumed == chars;
}

void NormalizedString::transform(const std::vector<CharChange>& dest, std::size_t initial_offset) {
  const CharChange* first = dest.data();
  const CharChange* last = dest.data() + dest.size();
  if (edits_whole_text() && consumes_all(dest, initial_offset)) {
    // Characters kept as they are at either end keep their alignments: transform only the
    // span between them (the same result as transforming everything, usually far less work).
    // Only exact when `dest` replaces every character: then its last entries stand for the
    // last characters.
    std::size_t start = 0;
    if (initial_offset == 0) {
      while (first != last && first->change == 0 && start < normalized_.size()) {
        std::size_t next = start;
        if (decode_utf8(normalized_, next) != first->c) break;
        start = next;
        ++first;
      }
    }
    std::size_t end = normalized_.size();
    while (last != first && (last - 1)->change == 0 && end > start) {
      std::size_t char_start = end - 1;
      while (char_start > start &&
             (static_cast<unsigned char>(normalized_[char_start]) & 0xC0) == 0x80) {
        --char_start;
      }
      std::size_t next = char_start;
      if (decode_utf8(normalized_, next) != (last - 1)->c) break;
      end = char_start;
      --last;
    }
    transform_range(start, end, first, last, initial_offset);
    return;
  }
  // tokenizers transforms Range::Original(..), i.e. the normalized range the whole original
  // maps to.
  auto range = original_to_normalized(0, original_.size());
  if (!range) return;
  transform_range(range->first, range->second, first, last, initial_offset);
}

void NormalizedString::transform_range(std::size_t n_start, std::size_t n_end,
                                       const CharChange* first, const CharChange* last,
                                       std::size_t initial_offset) {
  // Walks the replaced characters while emitting `dest`, so that each new character takes the
  // alignment of the character it replaces (or, when inserted, of the byte before it).
  std::size_t replaced_pos = n_start;
  auto next_replaced_size = [&]() -> std::size_t {
    if (replaced_pos >= n_end) return 0;
    const std::size_t n = utf8_length(static_cast<unsigned char>(normalized_[replaced_pos]));
    replaced_pos += n;
    return n;
  };
  std::size_t initial_removed = 0;
  for (std::size_t i = 0; i < initial_offset; ++i) initial_removed += next_replaced_size();

  std::size_t offset = initial_removed + n_start;
  std::string text;
  const auto count = static_cast<std::size_t>(last - first);
  text.reserve(n_end - n_start + count);
  std::vector<Offsets> alignments;
  alignments.reserve(n_end - n_start + count);
  for (const CharChange* it = first; it != last; ++it) {
    const CharChange& ch = *it;
    Offsets align;
    if (ch.change > 0) {
      align = offset < 1 ? Offsets{0, 0} : alignments_.at(offset - 1);
    } else {
      align = alignments_.at(offset);
    }
    std::size_t consumed = ch.change > 0 ? 0 : next_replaced_size();
    for (long r = 0; r < -ch.change; ++r) consumed += next_replaced_size();
    offset += consumed;
    const std::size_t before = text.size();
    append_utf8(text, ch.c);
    for (std::size_t k = before; k < text.size(); ++k) alignments.push_back(align);
  }

  alignments_.erase(alignments_.begin() + static_cast<std::ptrdiff_t>(n_start),
                    alignments_.begin() + static_cast<std::ptrdiff_t>(n_end));
  alignments_.insert(alignments_.begin() + static_cast<std::ptrdiff_t>(n_start), alignments.begin(),
                     alignments.end());
  normalized_.replace(n_start, n_end - n_start, text);
}

void NormalizedString::overwrite_utf8(std::size_t pos, char32_t c) {
  const std::size_t n = utf8_length(c);
  if (n == 1) {
    normalized_[pos] = static_cast<char>(c);
    return;
  }
  // Lead byte marker for 2, 3 and 4 bytes, then 6 bits per continuation byte.
  static constexpr unsigned char kLead[] = {0, 0, 0xC0, 0xE0, 0xF0};
  for (std::size_t i = n - 1; i > 0; --i) {
    normalized_[pos + i] = static_cast<char>(0x80 | (c & 0x3F));
    c >>= 6;
  }
  normalized_[pos] = static_cast<char>(kLead[n] | c);
}

void NormalizedString::map_bytes(const std::array<std::string_view, 256>& to_utf8) {
  const std::size_t size = normalized_.size();
  if (!edits_whole_text()) {
    std::vector<CharChange> dest;
    dest.reserve(size);
    for (std::size_t pos = 0; pos < size;) {
      const std::size_t n = utf8_length(static_cast<unsigned char>(normalized_[pos]));
      for (std::size_t i = 0; i < n; ++i, ++pos) {
        std::size_t at = 0;
        const char32_t c = decode_utf8(to_utf8[static_cast<unsigned char>(normalized_[pos])], at);
        dest.push_back({c, i > 0 ? 1 : 0});
      }
    }
    transform(dest, 0);
    return;
  }
  // What transform() makes of those changes, written directly: the first byte takes the
  // alignment of the character's first byte, the inserted ones that of its last byte.
  std::size_t new_size = 0;
  for (const char byte : normalized_) new_size += to_utf8[static_cast<unsigned char>(byte)].size();
  std::string text(new_size, '\0');
  std::vector<Offsets> alignments(new_size);
  std::size_t out = 0;
  for (std::size_t pos = 0; pos < size;) {
    const std::size_t n = utf8_length(static_cast<unsigned char>(normalized_[pos]));
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view mapped = to_utf8[static_cast<unsigned char>(normalized_[pos + i])];
      const Offsets align = alignments_[i == 0 ? pos : pos + n - 1];
      for (const char byte : mapped) {
        text[out] = byte;
        alignments[out++] = align;
      }
    }
    pos += n;
  }
  normalized_ = std::move(text);
  alignments_ = std::move(alignments);
}

void NormalizedString::prepend(std::string_view prefix) {
  if (normalized_.empty() || prefix.empty()) return;
  if (edits_whole_text()) {
    // What transform() makes of the changes below, written directly: the first prefix
    // character takes the alignment of the first byte of the first character, the other prefix
    // characters and the first character itself that of its last byte.
    const std::size_t first_char = utf8_length(static_cast<unsigned char>(normalized_[0]));
    const std::size_t first_prefix_char = utf8_length(static_cast<unsigned char>(prefix[0]));
    const Offsets head = alignments_.front();
    const Offsets tail = alignments_[first_char - 1];
    alignments_.insert(alignments_.begin(), prefix.size(), tail);
    std::fill_n(alignments_.begin(), first_prefix_char, head);
    std::fill_n(alignments_.begin() + static_cast<std::ptrdiff_t>(prefix.size()), first_char, tail);
    normalized_.insert(0, prefix);
    return;
  }
  const auto range = original_to_normalized(0, original_.size());
  if (!range || range->first >= range->second) return;
  // The first prefix character replaces the first character, the rest of the prefix and that
  // character itself are inserted after it, taking its alignment.
  std::vector<CharChange> dest;
  dest.reserve(normalized_.size() + prefix.size());
  for (std::size_t pos = 0; pos < prefix.size();) {
    dest.push_back({decode_utf8(prefix, pos), dest.empty() ? 0 : 1});
  }
  std::size_t pos = range->first;
  dest.push_back({decode_utf8(normalized_, pos), 1});
  while (pos < range->second) dest.push_back({decode_utf8(normalized_, pos), 0});
  transform(dest, 0);
}

void NormalizedString::lowercase() {
  if (edits_whole_text()) {
    // Each lowercased character takes the alignment of the one it comes from, as below.
    rebuild([](char32_t c, char32_t* out) { return unicode::to_lowercase(c, out); });
    return;
  }
  std::vector<CharChange> dest;
  dest.reserve(normalized_.size());
  char32_t lowered[3];
  for (std::size_t pos = 0; pos < normalized_.size();) {
    const std::size_t n = unicode::to_lowercase(decode_utf8(normalized_, pos), lowered);
    for (std::size_t k = 0; k < n; ++k) dest.push_back({lowered[k], k > 0 ? 1 : 0});
  }
  transform(dest, 0);
}

bool NormalizedString::is_ascii() const {
  for (const char byte : normalized_) {
    if (static_cast<unsigned char>(byte) >= 0x80) return false;
  }
  return true;
}

void NormalizedString::nfd() {
  if (edits_whole_text() && is_nfd_stable()) return;
  // unicode-normalization-alignments: each decomposition's first character replaces the
  // original (change 0), the others are inserted (+1); marks are then stably sorted by combining
  // class between starters, and the changes travel with the characters they belong to.
  struct Item {
    std::uint8_t ccc;
    CharChange ch;
  };
  std::vector<Item> buffer;
  buffer.reserve(normalized_.size() + 8);
  std::size_t pending = 0;
  auto sort_pending = [&]() {
    const std::size_t count = buffer.size() - pending;
    if (count > 32) {
      std::stable_sort(buffer.begin() + static_cast<std::ptrdiff_t>(pending), buffer.end(),
                       [](const Item& a, const Item& b) { return a.ccc < b.ccc; });
    } else if (count > 1) {
      // Runs of marks are short: a stable insertion sort, which needs no buffer.
      for (std::size_t i = pending + 1; i < buffer.size(); ++i) {
        const Item item = buffer[i];
        std::size_t j = i;
        for (; j > pending && buffer[j - 1].ccc > item.ccc; --j) buffer[j] = buffer[j - 1];
        buffer[j] = item;
      }
    }
    pending = buffer.size();
  };
  char32_t parts[4];
  for (std::size_t pos = 0; pos < normalized_.size();) {
    const std::size_t n = unicode::decompose(decode_utf8(normalized_, pos), parts);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t ccc = unicode::combining_class(parts[i]);
      if (ccc == 0) sort_pending();
      buffer.push_back({ccc, {parts[i], i > 0 ? 1 : 0}});
    }
  }
  sort_pending();
  std::vector<CharChange> dest;
  dest.reserve(buffer.size());
  for (const Item& item : buffer) dest.push_back(item.ch);
  transform(dest, 0);
}

void NormalizedString::nfkd() {
  // ASCII is invariant under every normalization form.
  if (edits_whole_text() && is_ascii()) return;
  transform(normalization_changes(normalized_, NormalizationForm::kNFKD), 0);
}

void NormalizedString::nfc() {
  if (edits_whole_text() && is_ascii()) return;
  transform(normalization_changes(normalized_, NormalizationForm::kNFC), 0);
}

void NormalizedString::nfkc() {
  if (edits_whole_text() && is_ascii()) return;
  transform(normalization_changes(normalized_, NormalizationForm::kNFKC), 0);
}

void NormalizedString::strip(bool left, bool right) {
  std::vector<char32_t> chars;
  for (std::size_t pos = 0; pos < normalized_.size();)
    chars.push_back(decode_utf8(normalized_, pos));
  std::size_t leading = 0;
  if (left) {
    while (leading < chars.size() && unicode::is_whitespace(chars[leading])) ++leading;
  }
  std::size_t trailing = 0;
  if (right) {
    while (trailing < chars.size() && unicode::is_whitespace(chars[chars.size() - 1 - trailing])) {
      ++trailing;
    }
  }
  if (leading == 0 && trailing == 0) return;
  std::vector<CharChange> dest;
  const std::size_t count = chars.size();
  // tokenizers compares the character index with the *byte* length here; kept for parity (it
  // only affects the bookkeeping of characters that are dropped anyway).
  const long marker = static_cast<long>(normalized_.size()) - static_cast<long>(trailing) - 1;
  for (std::size_t i = 0; i < count; ++i) {
    if (i < leading || i + trailing >= count) continue;
    const long change = static_cast<long>(i) == marker ? -static_cast<long>(trailing) : 0;
    dest.push_back({chars[i], change});
  }
  transform(dest, leading);
}

bool NormalizedString::is_nfd_stable() const {
  char32_t parts[4];
  for (std::size_t pos = 0; pos < normalized_.size();) {
    if (static_cast<unsigned char>(normalized_[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const char32_t c = decode_utf8(normalized_, pos);
    if (unicode::combining_class(c) != 0) return false;
    if (unicode::decompose(c, parts) != 1 || parts[0] != c) return false;
  }
  return true;
}

NormalizedString NormalizedString::take_slice(std::size_t start, std::size_t end) && {
  // A slice of everything whose alignments span the whole original is a copy: no need for one.
  if (start == 0 && end == normalized_.size() && !alignments_.empty() &&
      alignments_.front().first == 0 && alignments_.back().second == original_.size()) {
    return std::move(*this);
  }
  return slice(start, end);
}

NormalizedString NormalizedString::slice(std::size_t start, std::size_t end) const {
  auto original_range = normalized_to_original(start, end);
  if (!original_range || end > normalized_.size()) {
    throw std::logic_error("NormalizedString: slice out of range");
  }
  const auto [o_start, o_end] = *original_range;
  const bool has_original = o_start <= o_end && o_end <= original_.size();
  NormalizedString out(
      has_original ? std::string(original_, o_start, o_end - o_start) : std::string(),
      std::string(normalized_, start, end - start),
      std::vector<Offsets>(alignments_.begin() + static_cast<std::ptrdiff_t>(start),
                           alignments_.begin() + static_cast<std::ptrdiff_t>(end)),
      shift_ + o_start);
  for (Offsets& a : out.alignments_) a = {a.first - o_start, a.second - o_start};
  return out;
}

std::vector<NormalizedString> NormalizedString::split_matches(
    std::vector<std::pair<Offsets, bool>> matches, SplitBehavior behavior) && {
  // (range, remove) after applying the behavior, as in tokenizers' NormalizedString::split.
  std::vector<std::pair<Offsets, bool>> splits;
  splits.reserve(matches.size());
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (auto& [range, is_match] : matches) splits.push_back({range, false});
      break;
    case SplitBehavior::kRemoved:
      splits = std::move(matches);
      break;
    case SplitBehavior::kContiguous: {
      bool previous = false;
      for (auto& [range, is_match] : matches) {
        if (is_match == previous && !splits.empty()) {
          splits.back().first.second = range.second;
        } else {
          splits.push_back({range, false});
        }
        previous = is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithPrevious: {
      bool previous = false;
      for (auto& [range, is_match] : matches) {
        if (is_match && !previous && !splits.empty()) {
          splits.back().first.second = range.second;
        } else {
          splits.push_back({range, false});
        }
        previous = is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      bool previous = false;
      for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
        if (it->second && !previous && !splits.empty()) {
          splits.back().first.first = it->first.first;
        } else {
          splits.push_back({it->first, false});
        }
        previous = it->second;
      }
      std::reverse(splits.begin(), splits.end());
      break;
    }
  }
  std::vector<NormalizedString> out;
  out.reserve(splits.size());
  for (const auto& [range, remove] : splits) {
    if (remove) continue;
    out.push_back(splits.size() == 1 ? std::move(*this).take_slice(range.first, range.second)
                                     : slice(range.first, range.second));
  }
  return out;
}

}  // namespace modelexport::text
