// Grapheme cluster boundaries: rules GB3-GB13 of UAX #29 over the generated
// Grapheme_Cluster_Break and Extended_Pictographic data. GB9c (Indic conjunct breaks) is not
// applied: it joins only 3-byte consonants and linkers, into clusters of 9 bytes or more, which
// the Precompiled normalizer processes character by character exactly as if they were split
// (scripts/gen_tokenizer_unicode_tables.py checks the data against the reference).
#include "text/graphemes.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport::text {

using unicode::GraphemeBreak;

std::size_t grapheme_end(std::string_view text, std::size_t pos) {
  char32_t c = decode_utf8(text, pos);
  GraphemeBreak prev = unicode::grapheme_break(c);
  // GB11: ExtPict Extend* ZWJ x ExtPict. 0: none, 1: in ExtPict Extend*, 2: just after its ZWJ.
  int emoji = unicode::is_extended_pictographic(c) ? 1 : 0;
  std::size_t regional = prev == GraphemeBreak::kRegionalIndicator ? 1 : 0;
  while (pos < text.size()) {
    std::size_t next = pos;
    c = decode_utf8(text, next);
    const GraphemeBreak cur = unicode::grapheme_break(c);
    const bool pictographic = unicode::is_extended_pictographic(c);
    bool join;
    if (prev == GraphemeBreak::kCR && cur == GraphemeBreak::kLF) {
      join = true;  // GB3
    } else if (prev == GraphemeBreak::kCR || prev == GraphemeBreak::kLF ||
               prev == GraphemeBreak::kControl || cur == GraphemeBreak::kCR ||
               cur == GraphemeBreak::kLF || cur == GraphemeBreak::kControl) {
      join = false;  // GB4, GB5
    } else if (prev == GraphemeBreak::kL &&
               (cur == GraphemeBreak::kL || cur == GraphemeBreak::kV || cur == GraphemeBreak::kLV ||
                cur == GraphemeBreak::kLVT)) {
      join = true;  // GB6
    } else if ((prev == GraphemeBreak::kLV || prev == GraphemeBreak::kV) &&
               (cur == GraphemeBreak::kV || cur == GraphemeBreak::kT)) {
      join = true;  // GB7
    } else if ((prev == GraphemeBreak::kLVT || prev == GraphemeBreak::kT) &&
               cur == GraphemeBreak::kT) {
      join = true;  // GB8
    } else if (cur == GraphemeBreak::kExtend || cur == GraphemeBreak::kZWJ ||
               cur == GraphemeBreak::kSpacingMark || prev == GraphemeBreak::kPrepend) {
      join = true;  // GB9, GB9a, GB9b
    } else if (prev == GraphemeBreak::kZWJ && pictographic && emoji == 2) {
      join = true;  // GB11
    } else if (prev == GraphemeBreak::kRegionalIndicator &&
               cur == GraphemeBreak::kRegionalIndicator) {
      join = regional % 2 == 1;  // GB12, GB13
    } else {
      join = false;  // GB999
    }
    if (!join) break;
    // Update the GB11 and GB12/13 state with the character just joined.
    if (pictographic) {
      emoji = 1;
    } else if (cur == GraphemeBreak::kExtend && emoji == 1) {
      emoji = 1;
    } else if (cur == GraphemeBreak::kZWJ && emoji == 1) {
      emoji = 2;
    } else {
      emoji = 0;
    }
    regional = cur == GraphemeBreak::kRegionalIndicator ? regional + 1 : 0;
    prev = cur;
    pos = next;
  }
  return pos;
}

}  // namespace modelexport::text
