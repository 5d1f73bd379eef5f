// Tokenizer components one by one, built through their registries from tokenizer.json
// fragments: normalizers, pre-tokenizers, WordPiece, post-processors, decoder, and the errors
// that name the JSON path of what is wrong. Expected values come from Hugging Face `tokenizers`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "text/decoders/decoder.h"
#include "text/decoders/wordpiece_decoder.h"
#include "text/models/model.h"
#include "text/normalizers/normalizer.h"
#include "text/post_processors/post_processor.h"
#include "text/pre_tokenizers/pre_tokenizer.h"
#include "text/unicode.h"

namespace modelexport::text {
namespace {

const std::string kOrigin = "tokenizer.json";

std::string normalize(const nlohmann::json& config, const std::string& input) {
  auto normalizer = normalizer_from_json(JsonRef(config, "normalizer", kOrigin));
  NormalizedString n(input);
  normalizer->normalize(n);
  return n.get();
}

nlohmann::json bert_normalizer(bool lowercase, nlohmann::json strip_accents = nullptr,
                               bool chinese = true, bool clean = true) {
  return {{"type", "BertNormalizer"},
          {"clean_text", clean},
          {"handle_chinese_chars", chinese},
          {"strip_accents", strip_accents},
          {"lowercase", lowercase}};
}

// (text, original byte offsets) of each split after pre-tokenization.
std::vector<std::pair<std::string, Offsets>> pre_tokenize(const nlohmann::json& config,
                                                          const std::string& input) {
  auto pre_tokenizer = pre_tokenizer_from_json(JsonRef(config, "pre_tokenizer", kOrigin));
  PreTokenizedString p(input);
  pre_tokenizer->pre_tokenize(p);
  std::vector<std::pair<std::string, Offsets>> out;
  for (const auto& split : p.splits()) {
    out.emplace_back(split.normalized.get(), split.normalized.offsets_original());
  }
  return out;
}

std::string error_of(void (*fn)()) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(BertNormalizer, LowercaseStripsAccentsByDefault) {
  EXPECT_EQ(normalize(bert_normalizer(true), "Héllo\tWörld\u00a0!"), "hello world !");
  EXPECT_EQ(normalize(bert_normalizer(true), "ÀÉÎ"), "aei");
  EXPECT_EQ(normalize(bert_normalizer(true), "İ"), "i");  // NFD, drop U+0307, lowercase
}

TEST(BertNormalizer, CasedKeepsAccentsUnlessAsked) {
  EXPECT_EQ(normalize(bert_normalizer(false), "Héllo\tWörld\u00a0!"), "Héllo Wörld !");
  EXPECT_EQ(normalize(bert_normalizer(false, true), "Héllo\tWörld\u00a0!"), "Hello World !");
  EXPECT_EQ(normalize(bert_normalizer(true, false), "ÀÉ"), "àé");
}

TEST(BertNormalizer, CleanTextDropsControlAndFormatCharacters) {
  EXPECT_EQ(normalize(bert_normalizer(true), std::string("a\0b\x07"
                                                         "c\uFFFDd\u200B"
                                                         "e",
                                                         13)),
            "abcde");
  EXPECT_EQ(normalize(bert_normalizer(true, nullptr, true, false),
                      "a\x07"
                      "b"),
            "a\x07"
            "b");
  // The reference's category tables predate Unicode 12: U+13430 is not a format character.
  EXPECT_EQ(normalize(bert_normalizer(true), "\U00013430x"), "\U00013430x");
}

TEST(BertNormalizer, ChineseCharactersAreSurroundedBySpaces) {
  EXPECT_EQ(normalize(bert_normalizer(true), "你好abc"), " 你  好 abc");
  EXPECT_EQ(normalize(bert_normalizer(true, nullptr, false), "你好abc"), "你好abc");
}

TEST(BertNormalizer, StripAccentsRemovesNonspacingMarksOnly) {
  // Devanagari: the virama (Mn) goes, vowel signs (Mc) stay.
  EXPECT_EQ(normalize(bert_normalizer(true), "हिन्दी"), "हिनदी");
  // StripAccents (the standalone normalizer) drops every combining mark.
  EXPECT_EQ(normalize({{"type", "StripAccents"}}, "हिन्दी"), "हनद");
}

TEST(BertNormalizer, LowercaseUsesRecentUnicode) {
  // U+A7CB became a capital letter in Unicode 16; Rust's to_lowercase knows it.
  EXPECT_EQ(normalize(bert_normalizer(true), "\uA7CBA"), "\u0264a");
}

TEST(Normalizers, SequenceLowercaseNfdStrip) {
  nlohmann::json sequence = {{"type", "Sequence"},
                             {"normalizers",
                              {{{"type", "NFD"}},
                               {{"type", "StripAccents"}},
                               {{"type", "Lowercase"}},
                               {{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}}}}};
  EXPECT_EQ(normalize(sequence, "  Crème Brûlée "), "creme brulee");
}

TEST(PreTokenizers, BertSplitsWhitespaceAndIsolatesPunctuation) {
  using Splits = std::vector<std::pair<std::string, Offsets>>;
  EXPECT_EQ(pre_tokenize({{"type", "BertPreTokenizer"}}, "Hey friend!     How are you?!?"),
            (Splits{{"Hey", {0, 3}},
                    {"friend", {4, 10}},
                    {"!", {10, 11}},
                    {"How", {16, 19}},
                    {"are", {20, 23}},
                    {"you", {24, 27}},
                    {"?", {27, 28}},
                    {"!", {28, 29}},
                    {"?", {29, 30}}}));
  // ASCII symbols count as punctuation, so do Unicode P* characters.
  EXPECT_EQ(pre_tokenize({{"type", "BertPreTokenizer"}}, "a$b+c¿d·e").size(), 9u);
}

TEST(PreTokenizers, WhitespaceIsWordRunsAndSymbolRuns) {
  using Splits = std::vector<std::pair<std::string, Offsets>>;
  EXPECT_EQ(pre_tokenize({{"type", "Whitespace"}}, "Hey man!! how_are 12ab--x"),
            (Splits{{"Hey", {0, 3}},
                    {"man", {4, 7}},
                    {"!!", {7, 9}},
                    {"how_are", {10, 17}},
                    {"12ab", {18, 22}},
                    {"--", {22, 24}},
                    {"x", {24, 25}}}));
  EXPECT_EQ(pre_tokenize({{"type", "WhitespaceSplit"}}, "Hey  man!!\u3000x"),
            (Splits{{"Hey", {0, 3}}, {"man!!", {5, 10}}, {"x", {13, 14}}}));
}

TEST(PreTokenizers, SequenceAndPunctuationBehavior) {
  nlohmann::json config = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "WhitespaceSplit"}}, {{"type", "Punctuation"}, {"behavior", "Contiguous"}}}}};
  using Splits = std::vector<std::pair<std::string, Offsets>>;
  EXPECT_EQ(pre_tokenize(config, "a!!b? c"),
            (Splits{{"a", {0, 1}}, {"!!", {1, 3}}, {"b", {3, 4}}, {"?", {4, 5}}, {"c", {6, 7}}}));
}

std::unique_ptr<Model> word_piece(std::size_t max_chars = 100) {
  nlohmann::json config = {
      {"type", "WordPiece"},
      {"unk_token", "[UNK]"},
      {"continuing_subword_prefix", "##"},
      {"max_input_chars_per_word", max_chars},
      {"vocab", {{"[UNK]", 0}, {"un", 1}, {"##aff", 2}, {"##able", 3}, {"a", 4}, {"##é", 5}}}};
  return model_from_json(JsonRef(config, "model", kOrigin));
}

std::vector<std::tuple<std::uint32_t, std::string, Offsets>> tokens_of(const Model& model,
                                                                       const std::string& word) {
  std::vector<Token> tokens;
  model.tokenize(word, tokens);
  std::vector<std::tuple<std::uint32_t, std::string, Offsets>> out;
  for (const auto& t : tokens) out.emplace_back(t.id, t.value, t.offsets);
  return out;
}

TEST(WordPiece, GreedyLongestMatchWithContinuationPrefix) {
  auto model = word_piece();
  using Tokens = std::vector<std::tuple<std::uint32_t, std::string, Offsets>>;
  EXPECT_EQ(tokens_of(*model, "unaffable"),
            (Tokens{{1, "un", {0, 2}}, {2, "##aff", {2, 5}}, {3, "##able", {5, 9}}}));
  EXPECT_EQ(tokens_of(*model, "aé"), (Tokens{{4, "a", {0, 1}}, {5, "##é", {1, 3}}}));
  EXPECT_EQ(model->token_to_id("##able"), 3u);
  EXPECT_EQ(model->id_to_token(2), "##aff");
  EXPECT_EQ(model->vocab_size(), 6u);
}

TEST(WordPiece, UnknownWordsBecomeOneUnknownToken) {
  auto model = word_piece();
  using Tokens = std::vector<std::tuple<std::uint32_t, std::string, Offsets>>;
  // "unaffx": "un", "##aff" match, then "##x" does not: the whole word is [UNK].
  EXPECT_EQ(tokens_of(*model, "unaffx"), (Tokens{{0, "[UNK]", {0, 6}}}));
  EXPECT_EQ(tokens_of(*model, "é"), (Tokens{{0, "[UNK]", {0, 2}}}));
}

TEST(WordPiece, WordsLongerThanMaxInputCharsAreUnknown) {
  auto model = word_piece(2);
  using Tokens = std::vector<std::tuple<std::uint32_t, std::string, Offsets>>;
  EXPECT_EQ(tokens_of(*model, "aaa"), (Tokens{{0, "[UNK]", {0, 3}}}));  // 3 chars > 2
  // The limit counts characters, not bytes: "aé" is 2 characters (3 bytes).
  EXPECT_EQ(tokens_of(*model, "aé"), (Tokens{{4, "a", {0, 1}}, {5, "##é", {1, 3}}}));
}

TEST(WordPiece, MissingUnknownTokenFailsOnlyWhenNeeded) {
  nlohmann::json config = {{"type", "WordPiece"}, {"vocab", {{"a", 0}}}};
  auto model = model_from_json(JsonRef(config, "model", kOrigin));
  EXPECT_EQ(tokens_of(*model, "a").size(), 1u);
  std::vector<Token> tokens;
  EXPECT_THROW(model->tokenize("b", tokens), std::invalid_argument);
}

EncodingData sequence_of(std::vector<std::uint32_t> ids) {
  EncodingData e;
  std::uint32_t word = 0;
  for (std::uint32_t id : ids) {
    e.push(id, "t" + std::to_string(id), {word, word + 1}, word, 0, 0);
    ++word;
  }
  return e;
}

nlohmann::json bert_template() {
  auto special = [](const char* id, int type_id) {
    return nlohmann::json{{"SpecialToken", {{"id", id}, {"type_id", type_id}}}};
  };
  auto sequence = [](const char* id, int type_id) {
    return nlohmann::json{{"Sequence", {{"id", id}, {"type_id", type_id}}}};
  };
  return {{"type", "TemplateProcessing"},
          {"single", {special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)}},
          {"pair",
           {special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0), sequence("B", 1),
            special("[SEP]", 1)}},
          {"special_tokens",
           {{"[CLS]", {{"id", "[CLS]"}, {"ids", {101}}, {"tokens", {"[CLS]"}}}},
            {"[SEP]", {{"id", "[SEP]"}, {"ids", {102}}, {"tokens", {"[SEP]"}}}}}}};
}

TEST(PostProcessors, TemplateAndBertProcessingAgreeOnPairs) {
  nlohmann::json bert = {
      {"type", "BertProcessing"}, {"sep", {"[SEP]", 102}}, {"cls", {"[CLS]", 101}}};
  nlohmann::json strings = {{"type", "TemplateProcessing"},
                            {"single", "[CLS] $A [SEP]"},
                            {"pair", "[CLS] $A [SEP] $B:1 [SEP]:1"},
                            {"special_tokens", bert_template()["special_tokens"]}};
  for (const auto& config : {bert_template(), bert, strings}) {
    auto processor = post_processor_from_json(JsonRef(config, "post_processor", kOrigin));
    EXPECT_EQ(processor->added_tokens(false), 2u);
    EXPECT_EQ(processor->added_tokens(true), 3u);
    EncodingData e = processor->process(sequence_of({5, 6}), sequence_of({7}), true);
    EXPECT_EQ(e.ids, (std::vector<std::uint32_t>{101, 5, 6, 102, 7, 102})) << config.dump();
    EXPECT_EQ(e.type_ids, (std::vector<std::uint32_t>{0, 0, 0, 0, 1, 1}));
    EXPECT_EQ(e.special_tokens_mask, (std::vector<std::uint32_t>{1, 0, 0, 1, 0, 1}));
    EXPECT_EQ(e.offsets[4], (Offsets{0, 1}));  // offsets stay relative to each sequence
    EXPECT_EQ(std::move(e).to_public().sequence_ids,
              (std::vector<std::int64_t>{-1, 0, 0, -1, 1, -1}));
    EncodingData plain = processor->process(sequence_of({5}), sequence_of({7}), false);
    EXPECT_EQ(plain.ids, (std::vector<std::uint32_t>{5, 7}));
    EXPECT_EQ(plain.type_ids, (std::vector<std::uint32_t>{0, 1}));
  }
}

TEST(PostProcessors, TemplateWithMultiTokenSpecials) {
  nlohmann::json config = bert_template();
  config["special_tokens"]["[CLS]"] = {
      {"id", "[CLS]"}, {"ids", {1, 2}}, {"tokens", {"<a>", "<b>"}}};
  auto processor = post_processor_from_json(JsonRef(config, "post_processor", kOrigin));
  EXPECT_EQ(processor->added_tokens(false), 3u);
  EncodingData e = processor->process(sequence_of({9}), std::nullopt, true);
  EXPECT_EQ(e.tokens, (std::vector<std::string>{"<a>", "<b>", "t9", "[SEP]"}));
}

TEST(Decoders, WordPieceJoinsContinuationsAndCleansUpPerToken) {
  nlohmann::json config = {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}};
  auto decoder = decoder_from_json(JsonRef(config, "decoder", kOrigin));
  EXPECT_EQ(decoder->decode({"un", "##aff", "##able", ",", "it", "'", "s", "!"}),
            "unaffable, it ' s!");  // cleanup sees single tokens, so " ' " never matches
  EXPECT_EQ(wordpiece_cleanup("i do not think so . it 's"), "i don't think so. it's");
  nlohmann::json raw = {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", false}};
  EXPECT_EQ(decoder_from_json(JsonRef(raw, "decoder", kOrigin))->decode({"a", "##b", "."}), "ab .");
}

TEST(ComponentErrors, NameTheJsonPath) {
  EXPECT_EQ(error_of([] {
              nlohmann::json c = {
                  {"type", "Sequence"},
                  {"pretokenizers",
                   {{{"type", "WhitespaceSplit"}}, {{"type", "Punctuation"}}, {{"type", "Foo"}}}}};
              pre_tokenizer_from_json(JsonRef(c, "pre_tokenizer", kOrigin));
            }),
            "tokenizer.json: pre_tokenizer.pretokenizers[2].type: unknown pre-tokenizer 'Foo'");
  EXPECT_EQ(error_of([] {
              nlohmann::json c = {{"type", "BertNormalizer"}, {"lowercase", "yes"}};
              normalizer_from_json(JsonRef(c, "normalizer", kOrigin));
            }),
            "tokenizer.json: normalizer.lowercase: expected a boolean, got a string");
  EXPECT_EQ(error_of([] {
              nlohmann::json c = {{"type", "Punctuation"}, {"behavior", "Sideways"}};
              pre_tokenizer_from_json(JsonRef(c, "pre_tokenizer", kOrigin));
            }),
            "tokenizer.json: pre_tokenizer.behavior: unknown split behavior 'Sideways'");
  EXPECT_EQ(error_of([] {
              nlohmann::json c = {{"clean_text", true}};
              normalizer_from_json(JsonRef(c, "normalizer", kOrigin));
            }),
            "tokenizer.json: normalizer: missing member 'type'");
  EXPECT_EQ(error_of([] {
              nlohmann::json c = bert_template();
              c["pair"][4]["SpecialToken"]["id"] = "[END]";
              post_processor_from_json(JsonRef(c, "post_processor", kOrigin));
            }),
            "tokenizer.json: post_processor.pair[4]: special token '[END]' is not in "
            "special_tokens");
  EXPECT_EQ(error_of([] {
              nlohmann::json c = {{"type", "WordPiece"}, {"vocab", {{"a", -1}}}};
              model_from_json(JsonRef(c, "model", kOrigin));
            }),
            "tokenizer.json: model.vocab[\"a\"]: expected a token id (0..2^32-1)");
  EXPECT_EQ(error_of([] {
              nlohmann::json c = {{"type", "WordPieceBPE"}};
              model_from_json(JsonRef(c, "model", kOrigin));
            }),
            "tokenizer.json: model.type: unknown model 'WordPieceBPE'");
  EXPECT_EQ(error_of([] {
              nlohmann::json c = {{"type", "ByteLevelish"}};
              decoder_from_json(JsonRef(c, "decoder", kOrigin));
            }),
            "tokenizer.json: decoder.type: unknown decoder 'ByteLevelish'");
}

TEST(UnicodeTables, MatchTheReferenceOnKnownQuirks) {
  EXPECT_TRUE(unicode::is_bert_punctuation('$'));      // ASCII symbol
  EXPECT_TRUE(unicode::is_bert_punctuation(0xBF));     // ¿
  EXPECT_FALSE(unicode::is_bert_punctuation(0x2E4F));  // newer than the reference's tables
  EXPECT_TRUE(unicode::is_whitespace(0x3000));
  EXPECT_FALSE(unicode::is_whitespace(0x200B));
  EXPECT_TRUE(unicode::is_other(0xE000));   // private use
  EXPECT_FALSE(unicode::is_other(0x0378));  // unassigned is not "other" there
  char32_t parts[4];
  EXPECT_EQ(unicode::decompose(0x11938, parts), 1u);  // Unicode 13 decomposition, unknown there
  EXPECT_EQ(unicode::decompose(0x1E09, parts), 3u);   // ḉ = c + cedilla + acute
  EXPECT_EQ(unicode::combining_class(0x0301), 230);
  EXPECT_EQ(unicode::combining_class(0x1ABF), 0);  // mark newer than the reference's tables
}

TEST(UnicodeTables, EveryPropertyFromTheOneTable) {
  // The per-code-point table packs many properties; each must read back on its own.
  EXPECT_EQ(unicode::grapheme_break(0x1F1E6), unicode::GraphemeBreak::kRegionalIndicator);
  EXPECT_EQ(unicode::grapheme_break(0x200D), unicode::GraphemeBreak::kZWJ);
  EXPECT_EQ(unicode::grapheme_break(0x0301), unicode::GraphemeBreak::kExtend);
  EXPECT_EQ(unicode::grapheme_break(0xAC00), unicode::GraphemeBreak::kLV);
  EXPECT_EQ(unicode::grapheme_break(0xAC01), unicode::GraphemeBreak::kLVT);
  EXPECT_EQ(unicode::grapheme_break('\r'), unicode::GraphemeBreak::kCR);
  EXPECT_EQ(unicode::grapheme_break(0x4E00), unicode::GraphemeBreak::kOther);
  EXPECT_TRUE(unicode::is_extended_pictographic(0x1F600));
  EXPECT_FALSE(unicode::is_extended_pictographic(0x4E00));
  EXPECT_TRUE(unicode::is_mark_nonspacing(0x0300));
  EXPECT_FALSE(unicode::is_mark_nonspacing(0x0903));  // spacing mark
  EXPECT_TRUE(unicode::is_combining_mark(0x0903));
  EXPECT_TRUE(unicode::is_word_char(0x0663));  // Arabic-Indic digit three
  EXPECT_FALSE(unicode::is_word_char(0x3001));
  EXPECT_TRUE(unicode::is_bert_punctuation(0x3001));
  EXPECT_EQ(unicode::combining_class(0x0323), 220);
  char32_t out[4];
  ASSERT_EQ(unicode::to_lowercase(0x0130, out), 2u);  // İ -> i + combining dot above
  EXPECT_EQ(out[0], U'i');
  EXPECT_EQ(out[1], 0x0307u);
  ASSERT_EQ(unicode::to_lowercase(0x0416, out), 1u);  // Ж -> ж
  EXPECT_EQ(out[0], 0x0436u);
  ASSERT_EQ(unicode::decompose(0xE9, out), 2u);
  EXPECT_EQ(out[1], 0x0301u);
  // Past U+10FFFF: no property at all.
  EXPECT_FALSE(unicode::is_other(0x110000));
  EXPECT_FALSE(unicode::is_whitespace(0x110000));
  EXPECT_EQ(unicode::grapheme_break(0x110000), unicode::GraphemeBreak::kOther);
  EXPECT_EQ(unicode::combining_class(0x110000), 0);
}

}  // namespace
}  // namespace modelexport::text
