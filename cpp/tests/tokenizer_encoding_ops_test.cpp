// The public Encoding operations on a hand-made pair encoding, against what tokenizers'
// Encoding returns for the same fields.
#include <gtest/gtest.h>

#include "modelexport/encoding.h"

namespace modelexport {
namespace {

// "[CLS] the fox ##es [SEP] a [SEP]" for the pair ("the foxes", "a").
Encoding pair_encoding() {
  Encoding e;
  e.ids = {101, 1, 2, 3, 102, 4, 102};
  e.type_ids = {0, 0, 0, 0, 0, 1, 1};
  e.tokens = {"[CLS]", "the", "fox", "##es", "[SEP]", "a", "[SEP]"};
  e.offsets = {{0, 0}, {0, 3}, {4, 7}, {7, 9}, {0, 0}, {0, 1}, {0, 0}};
  e.special_tokens_mask = {1, 0, 0, 0, 1, 0, 1};
  e.attention_mask = {1, 1, 1, 1, 1, 1, 1};
  e.word_ids = {-1, 0, 1, 1, -1, 0, -1};
  e.sequence_ids = {-1, 0, 0, 0, -1, 1, -1};
  return e;
}

TEST(EncodingOps, WordsTokensAndCharacters) {
  const Encoding e = pair_encoding();
  EXPECT_EQ(e.word_to_tokens(1, 0), std::make_pair(std::size_t{2}, std::size_t{4}));
  EXPECT_EQ(e.word_to_chars(1, 0), std::make_pair(std::size_t{4}, std::size_t{9}));
  EXPECT_EQ(e.word_to_chars(0, 1), std::make_pair(std::size_t{0}, std::size_t{1}));
  EXPECT_EQ(e.word_to_tokens(2, 0), std::nullopt);
  EXPECT_EQ(e.char_to_token(5, 0), std::optional<std::size_t>(2));
  EXPECT_EQ(e.char_to_token(8, 0), std::optional<std::size_t>(3));
  EXPECT_EQ(e.char_to_token(3, 0), std::nullopt);  // the space between words
  EXPECT_EQ(e.char_to_token(0, 1), std::optional<std::size_t>(5));
  EXPECT_EQ(e.token_to_word(3), std::optional<std::size_t>(1));
  EXPECT_EQ(e.token_to_word(0), std::nullopt);
  EXPECT_EQ(e.token_to_sequence(5), std::optional<std::size_t>(1));
  EXPECT_EQ(e.token_to_sequence(4), std::nullopt);
  EXPECT_EQ(e.token_to_sequence(99), std::nullopt);
}

TEST(EncodingOps, PadRightAndLeftLikeTokenizers) {
  Encoding right = pair_encoding();
  right.pad(9, 0, 7, "[PAD]");
  ASSERT_EQ(right.size(), 9u);
  EXPECT_EQ(right.ids.back(), 0);
  EXPECT_EQ(right.type_ids.back(), 7);
  EXPECT_EQ(right.tokens.back(), "[PAD]");
  EXPECT_EQ(right.attention_mask.back(), 0);
  EXPECT_EQ(right.special_tokens_mask.back(), 1);
  EXPECT_EQ(right.word_ids.back(), -1);
  EXPECT_EQ(right.sequence_ids.back(), -1);
  EXPECT_EQ(right.word_to_chars(1, 0), std::make_pair(std::size_t{4}, std::size_t{9}));

  Encoding left = pair_encoding();
  left.overflowing.push_back(pair_encoding());
  left.pad(8, 0, 0, "[PAD]", Direction::kLeft);
  EXPECT_EQ(left.ids.front(), 0);
  EXPECT_EQ(left.attention_mask.front(), 0);
  EXPECT_EQ(left.char_to_token(5, 0), std::optional<std::size_t>(3));
  EXPECT_EQ(left.overflowing.front().size(), 8u);  // parts are padded too

  Encoding longer = pair_encoding();
  longer.pad(3, 0, 0, "[PAD]");  // never truncates
  EXPECT_EQ(longer.size(), 7u);
}

}  // namespace
}  // namespace modelexport
