// NormalizedString alignment bookkeeping (the cases of tokenizers' normalizer.rs tests), UTF-8
// repair and byte-to-character offsets.
#include "text/normalized_string.h"

#include <gtest/gtest.h>

#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

using Alignments = std::vector<Offsets>;

TEST(NormalizedString, StartsAlignedBytePerByte) {
  NormalizedString n("é!");
  EXPECT_EQ(n.get(), "é!");
  EXPECT_EQ(n.alignments(), (Alignments{{0, 2}, {0, 2}, {2, 3}}));
  EXPECT_EQ(n.offsets_original(), (Offsets{0, 3}));
}

TEST(NormalizedString, NfdInsertedCharactersShareTheAlignmentOfTheirSource) {
  NormalizedString n("élégant");
  n.nfd();
  EXPECT_EQ(n.get(), "e\u0301le\u0301gant");
  EXPECT_EQ(
      n.alignments(),
      (Alignments{
          {0, 2}, {0, 2}, {0, 2}, {2, 3}, {3, 5}, {3, 5}, {3, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 9}}));
}

TEST(NormalizedString, RemovingCharactersAddedByNfd) {
  NormalizedString n("élégant");
  n.nfd();
  n.filter([](char32_t c) { return !unicode::is_mark_nonspacing(c); });
  EXPECT_EQ(n.get(), "elegant");
  EXPECT_EQ(n.alignments(), (Alignments{{0, 2}, {2, 3}, {3, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 9}}));
}

TEST(NormalizedString, LowercaseInPlaceForEveryUtf8Length) {
  // 1, 2, 3 and 4 bytes, each lowercasing to a character of the same length: rewritten in place.
  NormalizedString n("A\u00C4\u24B6\U00010400");
  const Alignments before = n.alignments();
  n.lowercase();
  EXPECT_EQ(n.get(), "a\u00E4\u24D0\U00010428");
  EXPECT_EQ(n.alignments(), before);
}

TEST(NormalizedString, LowercaseThatChangesLengthsAlignsToTheSource) {
  NormalizedString n("A\u1E9E\u0130b");  // capital sharp s (3 bytes -> 2), I with dot (-> 2 chars)
  n.lowercase();
  EXPECT_EQ(n.get(), "a\u00DFi\u0307b");
  EXPECT_EQ(n.alignments(), (Alignments{{0, 1}, {1, 4}, {1, 4}, {4, 6}, {4, 6}, {4, 6}, {6, 7}}));
}

TEST(NormalizedString, TransformThatLeavesTrailingCharactersUnconsumed) {
  // Each new character takes the alignment of the next old one; the last old one is dropped
  // although the last new character equals it (no shortcut may pair them up).
  NormalizedString n("XYZa");
  n.transform({{U'Q', 0}, {U'Z', 0}, {U'a', 0}}, 0);
  EXPECT_EQ(n.get(), "QZa");
  EXPECT_EQ(n.alignments(), (Alignments{{0, 1}, {1, 2}, {2, 3}}));
}

TEST(NormalizedString, RebuildGivesEachNewCharacterItsSourceAlignment) {
  NormalizedString n("a\u00E9b");
  n.rebuild([](char32_t c, char32_t* out) -> std::size_t {
    if (c == U'a') return 0;  // removed
    if (c == U'\u00E9') {     // expanded
      out[0] = U'e';
      out[1] = U'\u0301';
      out[2] = U'!';
      return 3;
    }
    out[0] = U'B';
    return 1;
  });
  EXPECT_EQ(n.get(), "e\u0301!B");
  EXPECT_EQ(n.alignments(), (Alignments{{1, 3}, {1, 3}, {1, 3}, {1, 3}, {3, 4}}));
}

TEST(NormalizedString, RemovedCharactersLeaveAGapInTheOriginal) {
  NormalizedString n("élégant");
  n.filter([](char32_t c) { return c != 'n'; });
  EXPECT_EQ(n.get(), "élégat");
  EXPECT_EQ(n.alignments(),
            (Alignments{{0, 2}, {0, 2}, {2, 3}, {3, 5}, {3, 5}, {5, 6}, {6, 7}, {8, 9}}));
}

TEST(NormalizedString, MixedAdditionAndRemoval) {
  NormalizedString n("élégant");
  n.nfd();
  n.filter([](char32_t c) { return !unicode::is_mark_nonspacing(c) && c != 'n'; });
  EXPECT_EQ(n.get(), "elegat");
  EXPECT_EQ(n.alignments(), (Alignments{{0, 2}, {2, 3}, {3, 5}, {5, 6}, {6, 7}, {8, 9}}));
}

TEST(NormalizedString, RemovalAtTheStartUsesTheInitialOffset) {
  NormalizedString n(
      "\x01\x02"
      "ab");
  n.filter([](char32_t c) { return c >= 'a'; });
  EXPECT_EQ(n.get(), "ab");
  EXPECT_EQ(n.alignments(), (Alignments{{2, 3}, {3, 4}}));
}

TEST(NormalizedString, RangeConversionBothWays) {
  NormalizedString n("    __Hello__   ");
  n.filter([](char32_t c) { return !unicode::is_whitespace(c); });
  n.lowercase();
  EXPECT_EQ(n.get(), "__hello__");
  EXPECT_EQ(n.original_to_normalized(6, 11), (Offsets{2, 7}));
  EXPECT_EQ(n.normalized_to_original(2, 7), (Offsets{6, 11}));
  EXPECT_EQ(n.original_to_normalized(0, 0), (Offsets{0, 0}));
  EXPECT_EQ(n.original_to_normalized(3, 3), (Offsets{3, 3}));
  EXPECT_EQ(n.original_to_normalized(15, 16), (Offsets{9, 9}));
  EXPECT_EQ(n.normalized_to_original(9, 10), std::nullopt);
}

TEST(NormalizedString, LowercaseIsTheFullMapping) {
  NormalizedString n("İA");
  n.lowercase();
  EXPECT_EQ(n.get(), "i\u0307a");  // U+0130 lowercases to two characters
  EXPECT_EQ(n.alignments(), (Alignments{{0, 2}, {0, 2}, {0, 2}, {2, 3}}));
}

TEST(NormalizedString, NfdOrdersMarksByCombiningClassAndKeepsPositionalAlignments) {
  // U+0301 (class 230) then U+0316 (class 220): NFD swaps them; alignments stay by position,
  // as in unicode-normalization-alignments.
  NormalizedString n("a\u0301\u0316");
  n.nfd();
  EXPECT_EQ(n.get(), "a\u0316\u0301");
  EXPECT_EQ(n.alignments(), (Alignments{{0, 1}, {1, 3}, {1, 3}, {3, 5}, {3, 5}}));
}

TEST(NormalizedString, HangulDecomposesAlgorithmically) {
  NormalizedString n("한");
  n.nfd();
  EXPECT_EQ(n.get(), "\u1112\u1161\u11AB");
}

TEST(NormalizedString, StripBothSides) {
  NormalizedString n("  hé \u3000");
  n.strip(true, true);
  EXPECT_EQ(n.get(), "hé");
  EXPECT_EQ(n.offsets_original(), (Offsets{0, 9}));
  EXPECT_EQ(n.normalized_to_original(0, 3), (Offsets{2, 5}));
}

TEST(NormalizedString, SliceKeepsOffsetsIntoTheWholeOriginal) {
  NormalizedString n("ab cd");
  n.lowercase();
  NormalizedString cd = n.slice(3, 5);
  EXPECT_EQ(cd.get(), "cd");
  EXPECT_EQ(cd.original(), "cd");
  EXPECT_EQ(cd.offsets_original(), (Offsets{3, 5}));
  NormalizedString d = cd.slice(1, 2);
  EXPECT_EQ(d.offsets_original(), (Offsets{4, 5}));
}

std::vector<std::string> split_texts(const std::string& text, SplitBehavior behavior) {
  NormalizedString n(text);
  std::vector<std::string> out;
  for (const auto& part : std::move(n).split([](char32_t c) { return c == '-'; }, behavior)) {
    if (!part.empty()) out.push_back(part.get());
  }
  return out;
}

TEST(NormalizedString, SplitBehaviors) {
  const std::string text = "the-final--countdown";
  using V = std::vector<std::string>;
  EXPECT_EQ(split_texts(text, SplitBehavior::kRemoved), (V{"the", "final", "countdown"}));
  EXPECT_EQ(split_texts(text, SplitBehavior::kIsolated),
            (V{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(split_texts(text, SplitBehavior::kMergedWithPrevious),
            (V{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(split_texts(text, SplitBehavior::kMergedWithNext),
            (V{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(split_texts(text, SplitBehavior::kContiguous),
            (V{"the", "-", "final", "--", "countdown"}));
}

TEST(Utf8, InvalidSequencesBecomeOneReplacementPerMaximalSubpart) {
  EXPECT_TRUE(is_valid_utf8("héllo 你好 😀"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_EQ(to_valid_utf8("caf\xE9!"), "caf\uFFFD!");
  EXPECT_EQ(to_valid_utf8("\xE2\x82"), "\uFFFD");                            // truncated sequence
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");            // surrogate
  EXPECT_EQ(to_valid_utf8("\xF4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
  EXPECT_EQ(to_valid_utf8("\xF0\x9F\x98 x"), "\uFFFD x");
  EXPECT_EQ(to_valid_utf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(Utf8, ByteOffsetsBecomeCharacterOffsets) {
  const std::string text = "aé你😀b";  // bytes: 1, 2, 3, 4, 1
  ByteToCharOffsets to_chars(text);
  EXPECT_EQ(to_chars.convert({0, 1}), (Offsets{0, 1}));
  EXPECT_EQ(to_chars.convert({1, 3}), (Offsets{1, 2}));
  EXPECT_EQ(to_chars.convert({3, 10}), (Offsets{2, 4}));
  EXPECT_EQ(to_chars.convert({10, 11}), (Offsets{4, 5}));  // end of text
  EXPECT_EQ(to_chars.convert({0, 0}), (Offsets{0, 0}));
  EXPECT_EQ(to_chars.convert({11, 11}), (Offsets{11, 11}));  // outside: unchanged
}

}  // namespace
}  // namespace modelexport::text
