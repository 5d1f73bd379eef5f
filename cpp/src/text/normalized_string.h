// NormalizedString: a string being normalized that keeps, for every byte of the normalized text,
// the byte range of the original text it came from. This is what lets token offsets point into
// the caller's input after lowercasing, accent stripping, removal of control characters, etc.
// The semantics mirror tokenizers' `tokenizer/normalizer.rs` step for step (including how
// alignments of inserted and reordered characters are assigned), because offsets must match.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/utf8.h"

namespace modelexport::text {

using Offsets = std::pair<std::size_t, std::size_t>;

// What a split does with the delimiters it finds (tokenizers' SplitDelimiterBehavior).
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// One character of a transformation: the new character and its change relative to the current
// normalized text: 0 replaces the next character, +1 inserts a new one, -N replaces the next
// character and removes the N characters after it.
struct CharChange {
  char32_t c;
  long change;
};

class NormalizedString {
 public:
  NormalizedString() = default;
  // `original` must be valid UTF-8.
  explicit NormalizedString(std::string original);

  const std::string& get() const { return normalized_; }
  const std::string& original() const { return original_; }
  bool empty() const { return normalized_.empty(); }
  // Byte range of this (possibly sliced) string inside the text it was first built from.
  Offsets offsets_original() const { return {shift_, shift_ + original_.size()}; }
  // Per normalized byte: the original byte range (relative to original()).
  const std::vector<Offsets>& alignments() const { return alignments_; }

  // Original byte range (relative to original()) of the normalized byte range [start, end);
  // nullopt when out of range. Empty ranges map to themselves.
  std::optional<Offsets> normalized_to_original(std::size_t start, std::size_t end) const;
  // Normalized byte range of the original byte range [start, end) (tokenizers'
  // convert_offsets(Range::Original)).
  std::optional<Offsets> original_to_normalized(std::size_t start, std::size_t end) const;

  // Edits cover the normalized range the whole original maps to (tokenizers transforms
  // Range::Original(..)); that is all of the normalized text unless characters were inserted
  // before the first original one (they have empty alignments). Fast paths that edit in place
  // are only exact in the first case.
  bool edits_whole_text() const {
    return alignments_.empty() || alignments_.front().first != alignments_.front().second;
  }

  // Replaces the whole normalized text by `dest`; `initial_offset` characters at the start are
  // removed before the first one of `dest`.
  void transform(const std::vector<CharChange>& dest, std::size_t initial_offset);

  // Replaces every character c by the characters fn(c, out) writes to out (returning their
  // count, at most kMaxRebuild; 0 removes c); each new character takes c's alignment. This is
  // what a sequence of per-character filters, maps and expansions gives when no character moves
  // past another, in one pass. Requires edits_whole_text().
  static constexpr std::size_t kMaxRebuild = 32;
  template <typename Fn>
  void rebuild(Fn fn);

  // Keeps the characters for which keep(c) is true.
  template <typename Keep>
  void filter(Keep keep);
  // Replaces every character c by map(c).
  template <typename Map>
  void map(Map map);

  // Replaces every byte b of the text by the UTF-8 text to_utf8[b] (one character), as
  // tokenizers' ByteLevel does: a character's first byte replaces it, its other bytes are
  // inserted after it.
  void map_bytes(const std::array<std::string_view, 256>& to_utf8);

  // Inserts `prefix` before the first character of a non-empty text; the new characters are
  // aligned like that first character (tokenizers' NormalizedString::prepend).
  void prepend(std::string_view prefix);

  void lowercase();
  void nfd();
  void nfkd();
  void nfc();
  void nfkc();
  void strip(bool left, bool right);

  // The part of this string covering normalized bytes [start, end) (char boundaries).
  NormalizedString slice(std::size_t start, std::size_t end) const;
  // slice(start, end), but moves this string out when the slice would be an exact copy of it.
  NormalizedString take_slice(std::size_t start, std::size_t end) &&;

  // Splits on each character for which is_delimiter(c) is true; empty parts are dropped. The
  // string is consumed (a part that is the whole string is moved, not copied).
  template <typename Pred>
  std::vector<NormalizedString> split(Pred is_delimiter, SplitBehavior behavior) &&;

  // Splits on precomputed matches: (byte range, is_match) covering the whole text in order.
  std::vector<NormalizedString> split_matches(std::vector<std::pair<Offsets, bool>> matches,
                                              SplitBehavior behavior) &&;

 private:
  NormalizedString(std::string original, std::string normalized, std::vector<Offsets> alignments,
                   std::size_t shift)
      : original_(std::move(original)),
        normalized_(std::move(normalized)),
        alignments_(std::move(alignments)),
        shift_(shift) {}

  // Replaces the character at byte `pos` by `c`, which has the same UTF-8 length.
  void overwrite_utf8(std::size_t pos, char32_t c);
  bool is_ascii() const;
  // True when NFD leaves the text unchanged because no character decomposes or combines.
  bool is_nfd_stable() const;

  void transform_range(std::size_t n_start, std::size_t n_end, const CharChange* first,
                       const CharChange* last, std::size_t initial_offset);
  // True when `dest` (after initial_offset removed characters) replaces exactly every character.
  bool consumes_all(const std::vector<CharChange>& dest, std::size_t initial_offset) const;

  std::string original_;
  std::string normalized_;
  std::vector<Offsets> alignments_;
  std::size_t shift_ = 0;
};

template <typename Keep>
void NormalizedString::filter(Keep keep) {
  if (edits_whole_text()) {
    // Kept characters keep their alignments, as below.
    rebuild([&keep](char32_t c, char32_t* out) -> std::size_t {
      out[0] = c;
      return keep(c) ? 1 : 0;
    });
    return;
  }
  std::vector<CharChange> dest;
  dest.reserve(normalized_.size());
  long removed = 0;
  std::size_t removed_start = 0;
  bool have_last = false;
  char32_t last = 0;
  for (std::size_t pos = 0; pos < normalized_.size();) {
    const char32_t c = decode_utf8(normalized_, pos);
    if (keep(c)) {
      if (have_last) {
        dest.push_back({last, -removed});
      } else {
        removed_start = static_cast<std::size_t>(removed);
      }
      have_last = true;
      last = c;
      removed = 0;
    } else {
      ++removed;
    }
  }
  if (have_last) dest.push_back({last, -removed});
  transform(dest, removed_start);
}

template <typename Map>
void NormalizedString::map(Map map) {
  if (edits_whole_text()) {
    // Each new character takes the alignment of the one it replaces, as below.
    rebuild([&map](char32_t c, char32_t* out) -> std::size_t {
      out[0] = map(c);
      return 1;
    });
    return;
  }
  std::vector<CharChange> dest;
  dest.reserve(normalized_.size());
  for (std::size_t pos = 0; pos < normalized_.size();) {
    dest.push_back({map(decode_utf8(normalized_, pos)), 0});
  }
  transform(dest, 0);
}

template <typename Fn>
void NormalizedString::rebuild(Fn fn) {
  char32_t out[kMaxRebuild];
  // In place while every character stays one character of the same UTF-8 length.
  std::size_t pos = 0;
  while (pos < normalized_.size()) {
    const std::size_t start = pos;
    const char32_t c = decode_utf8(normalized_, pos);
    const std::size_t n = fn(c, out);
    if (n == 1 && out[0] == c) continue;
    if (n == 1 && utf8_length(out[0]) == pos - start) {
      overwrite_utf8(start, out[0]);
      continue;
    }
    pos = start;
    break;
  }
  if (pos == normalized_.size()) return;
  std::string text(normalized_, 0, pos);
  text.reserve(normalized_.size() + 16);
  std::vector<Offsets> alignments(alignments_.begin(),
                                  alignments_.begin() + static_cast<std::ptrdiff_t>(pos));
  alignments.reserve(normalized_.size() + 16);
  while (pos < normalized_.size()) {
    const Offsets align = alignments_[pos];
    const std::size_t n = fn(decode_utf8(normalized_, pos), out);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t before = text.size();
      append_utf8(text, out[k]);
      for (std::size_t b = before; b < text.size(); ++b) alignments.push_back(align);
    }
  }
  normalized_ = std::move(text);
  alignments_ = std::move(alignments);
}

template <typename Pred>
std::vector<NormalizedString> NormalizedString::split(Pred is_delimiter,
                                                      SplitBehavior behavior) && {
  // tokenizers' Pattern for Fn(char) -> bool: every matching character is its own match.
  std::vector<std::pair<Offsets, bool>> matches;
  if (normalized_.empty()) {
    matches.push_back({{0, 0}, false});
  } else {
    std::size_t last_offset = 0;
    std::size_t pos = 0;
    while (pos < normalized_.size()) {
      const std::size_t start = pos;
      const char32_t c = decode_utf8(normalized_, pos);
      if (is_delimiter(c)) {
        if (last_offset < start) matches.push_back({{last_offset, start}, false});
        matches.push_back({{start, pos}, true});
        last_offset = pos;
      }
    }
    if (pos > last_offset) matches.push_back({{last_offset, pos}, false});
  }
  return std::move(*this).split_matches(std::move(matches), behavior);
}

}  // namespace modelexport::text
