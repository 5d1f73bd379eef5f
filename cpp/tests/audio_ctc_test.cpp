// Greedy CTC decoding (Wav2Vec2CTCTokenizer's rules) and transformers' chunk plan, on
// hand-checked inputs.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "modelexport/pipelines/automatic_speech_recognition.h"

namespace modelexport {
namespace {

CtcVocabulary letters() {
  CtcVocabulary vocabulary;
  vocabulary.tokens = {"<pad>", "<s>", "</s>", "<unk>", "|", "A", "B", "C"};
  return vocabulary;
}

TEST(CtcDecoding, MergesRepeatsDropsBlanksAndReplacesTheDelimiter) {
  // pad A A pad A | B B | | C pad: a blank separates the two A emissions.
  const std::vector<std::int64_t> ids = {0, 5, 5, 0, 5, 4, 6, 6, 4, 4, 7, 0};
  const auto text = decode_ctc(ids, letters(), TimestampKind::kNone, 320, 16000.0);
  EXPECT_EQ(text.text, "AA B C");
  EXPECT_TRUE(text.chunks.empty());
}

TEST(CtcDecoding, CharacterAndWordTimestamps) {
  const std::vector<std::int64_t> ids = {0, 5, 5, 0, 5, 4, 6, 6, 4, 4, 7, 0};
  const auto chars = decode_ctc(ids, letters(), TimestampKind::kChar, 320, 16000.0);
  ASSERT_EQ(chars.chunks.size(), 6U);
  EXPECT_EQ(chars.chunks[0].text, "A");
  EXPECT_DOUBLE_EQ(chars.chunks[0].start, 320.0 / 16000.0);
  EXPECT_DOUBLE_EQ(chars.chunks[0].end, 3 * 320.0 / 16000.0);
  EXPECT_EQ(chars.chunks[2].text, " ");
  const auto words = decode_ctc(ids, letters(), TimestampKind::kWord, 320, 16000.0);
  ASSERT_EQ(words.chunks.size(), 3U);
  EXPECT_EQ(words.chunks[0].text, "AA");
  EXPECT_DOUBLE_EQ(words.chunks[0].start, 0.02);
  EXPECT_DOUBLE_EQ(words.chunks[0].end, 0.1);
  EXPECT_EQ(words.chunks[1].text, "B");
  EXPECT_EQ(words.chunks[2].text, "C");
  EXPECT_DOUBLE_EQ(words.chunks[2].start, 10 * 320.0 / 16000.0);
}

TEST(CtcDecoding, SpecialTokensStayUnknownIdsAreUnkAndTextIsStripped) {
  // The pipeline decodes with skip_special_tokens=False: <s> is text; an id past the
  // vocabulary is unk_token; leading/trailing delimiters strip away.
  const auto text = decode_ctc({4, 1, 5, 99, 4, 4}, letters(), TimestampKind::kNone, 1, 1.0);
  EXPECT_EQ(text.text, "<s>A<unk>");
}

TEST(CtcDecoding, LowerCaseAndCleanUpAsConfigured) {
  CtcVocabulary vocabulary = letters();
  vocabulary.tokens.push_back(".");  // id 8
  vocabulary.do_lower_case = true;
  vocabulary.clean_up_tokenization_spaces = true;
  const auto text = decode_ctc({5, 4, 6, 4, 8}, vocabulary, TimestampKind::kNone, 1, 1.0);
  EXPECT_EQ(text.text, "a b.");
}

TEST(CtcDecoding, EmptyAndAllBlank) {
  EXPECT_EQ(decode_ctc({}, letters(), TimestampKind::kWord, 320, 16000.0).text, "");
  EXPECT_EQ(decode_ctc({0, 0, 0}, letters(), TimestampKind::kChar, 320, 16000.0).chunks.size(), 0U);
}

TEST(CtcVocabularyLoad, ReadsTokensAndSettings) {
  const auto dir = std::filesystem::temp_directory_path() / "modelexport_ctc_vocab_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "vocab.json") << R"({"<pad>": 0, "<unk>": 1, "|": 2, "A": 3, "<s>": 5})";
  std::ofstream(dir / "tokenizer_config.json")
      << R"({"pad_token": {"content": "<pad>"}, "word_delimiter_token": "|",
            "do_lower_case": true, "added_tokens_decoder": {"6": {"content": "<new>"}}})";
  const auto vocabulary =
      CtcVocabulary::load((dir / "vocab.json").string(), (dir / "tokenizer_config.json").string());
  EXPECT_EQ(vocabulary.token(3), "A");
  EXPECT_EQ(vocabulary.token(4), "<unk>");  // a hole in the ids
  EXPECT_EQ(vocabulary.token(6), "<new>");
  EXPECT_EQ(vocabulary.token(-1), "<unk>");
  EXPECT_TRUE(vocabulary.do_lower_case);
  std::ofstream(dir / "vocab.json") << R"({"A": "three"})";
  EXPECT_THROW(CtcVocabulary::load((dir / "vocab.json").string(), ""), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

TEST(ChunkPlan, FollowsTransformersChunkIter) {
  // 2 s chunks at 16 kHz, aligned to 320 samples: 32000 samples, strides round(16.67) * 320.
  const auto chunks = plan_chunks(100000, 16000.0, 320, ChunkingOptions{2.0, std::nullopt});
  ASSERT_EQ(chunks.size(), 5U);
  EXPECT_EQ(chunks[0].begin, 0U);
  EXPECT_EQ(chunks[0].end, 32000U);
  EXPECT_EQ(chunks[0].stride_left, 0U);
  EXPECT_EQ(chunks[0].stride_right, 5440U);
  EXPECT_EQ(chunks[1].begin, 21120U);
  EXPECT_EQ(chunks[1].stride_left, 5440U);
  EXPECT_EQ(chunks[4].begin, 84480U);
  EXPECT_EQ(chunks[4].end, 100000U);
  EXPECT_EQ(chunks[4].stride_right, 0U);
}

TEST(ChunkPlan, ShortClipIsOneChunkAndBadStridesAreErrors) {
  const auto one = plan_chunks(1000, 16000.0, 320, ChunkingOptions{2.0, 0.5});
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].end, 1000U);
  EXPECT_THROW(plan_chunks(1000, 16000.0, 320, ChunkingOptions{1.0, 0.5}), std::invalid_argument);
  EXPECT_THROW(plan_chunks(1000, 16000.0, 320, ChunkingOptions{-1.0, std::nullopt}),
               std::invalid_argument);
}

TEST(ChunkPlan, FrameRangesCutTheStridesAsTransformers) {
  // A middle chunk of 32000 samples at 320 samples per frame: 100 frames, strides of 5440
  // samples = 17 frames each side.
  const AudioChunk middle{21120, 53120, 5440, 5440};
  EXPECT_EQ(chunk_frame_range(middle, 320, 99), (std::pair<std::size_t, std::size_t>(17, 83)));
  // The last, shorter chunk keeps its right end; fewer frames than tokens clamp the slice.
  const AudioChunk last{84480, 100000, 5440, 0};
  EXPECT_EQ(chunk_frame_range(last, 320, 48), (std::pair<std::size_t, std::size_t>(17, 48)));
  EXPECT_EQ(chunk_frame_range(last, 320, 5), (std::pair<std::size_t, std::size_t>(5, 5)));
}

}  // namespace
}  // namespace modelexport
