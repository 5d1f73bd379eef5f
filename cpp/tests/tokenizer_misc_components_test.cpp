// Tokenizer components built through their registries from tokenizer.json fragments: the Replace
// and Prepend normalizers, the Metaspace, Digits, CharDelimiterSplit, UnicodeScripts and
// FixedLength pre-tokenizers, the WordLevel model, the Sequence post-processor and the Metaspace,
// Replace, ByteFallback, Fuse, Strip, CTC and Sequence decoders. Expected values come from Hugging
// Face `tokenizers` 0.23.3 (pre_tokenize_str, normalize_str, decoders' decode, encode offsets).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "text/decoders/decoder.h"
#include "text/encoding_data.h"
#include "text/models/model.h"
#include "text/normalizers/normalizer.h"
#include "text/post_processors/post_processor.h"
#include "text/pre_tokenizers/digits.h"
#include "text/pre_tokenizers/pre_tokenizer.h"
#include "text/pre_tokenizers/unicode_scripts.h"

namespace modelexport::text {
namespace {

const std::string kOrigin = "tokenizer.json";

// The normalized text and, per normalized character, the original byte range it comes from.
std::pair<std::string, std::vector<Offsets>> normalize(const nlohmann::json& config,
                                                       const std::string& input) {
  auto normalizer = normalizer_from_json(JsonRef(config, "normalizer", kOrigin));
  NormalizedString n(input);
  normalizer->normalize(n);
  std::vector<Offsets> chars;
  const std::string& text = n.get();
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    pos += utf8_length(static_cast<unsigned char>(text[pos]));
    chars.push_back(*n.normalized_to_original(start, pos));
  }
  return {text, chars};
}

struct Piece {
  std::string text;
  Offsets offsets;  // original bytes
  bool operator==(const Piece& o) const { return text == o.text && offsets == o.offsets; }
};

std::ostream& operator<<(std::ostream& os, const Piece& p) {
  return os << "(" << p.text << ", " << p.offsets.first << ".." << p.offsets.second << ")";
}

std::vector<Piece> pre_tokenize(const nlohmann::json& config, const std::string& input) {
  auto pre_tokenizer = pre_tokenizer_from_json(JsonRef(config, "pre_tokenizer", kOrigin));
  PreTokenizedString p(input);
  pre_tokenizer->pre_tokenize(p);
  std::vector<Piece> out;
  for (const auto& split : p.splits()) {
    out.push_back({split.normalized.get(), split.normalized.offsets_original()});
  }
  return out;
}

std::string decode(const nlohmann::json& config, std::vector<std::string> tokens) {
  return decoder_from_json(JsonRef(config, "decoder", kOrigin))->decode(std::move(tokens));
}

std::string load_error(const nlohmann::json& config, const char* stage) {
  const std::string path = stage;
  try {
    const JsonRef json(config, path, kOrigin);
    if (path == "normalizer") normalizer_from_json(json);
    if (path == "pre_tokenizer") pre_tokenizer_from_json(json);
    if (path == "model") model_from_json(json);
    if (path == "post_processor") post_processor_from_json(json);
    if (path == "decoder") decoder_from_json(json);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

// ---- normalizers -------------------------------------------------------------------------------

TEST(ReplaceNormalizer, StringPattern) {
  const nlohmann::json config = {
      {"type", "Replace"}, {"pattern", {{"String", "ab"}}}, {"content", ""}};
  const auto [text, offsets] = normalize(config, "xabab y");
  EXPECT_EQ(text, "x y");
  EXPECT_EQ(offsets, (std::vector<Offsets>{{0, 1}, {5, 6}, {6, 7}}));
}

TEST(ReplaceNormalizer, AdjacentMatchesTakeTheLastCharacterAlignment) {
  // Adjacent two-character matches replaced by three characters: every inserted character is
  // aligned like the last character of its match.
  const nlohmann::json config = {
      {"type", "Replace"}, {"pattern", {{"Regex", "[a-z]{2}"}}}, {"content", "XYZ"}};
  const auto [text, offsets] = normalize(config, "abcd e");
  EXPECT_EQ(text, "XYZXYZ e");
  EXPECT_EQ(offsets,
            (std::vector<Offsets>{{1, 2}, {1, 2}, {1, 2}, {3, 4}, {3, 4}, {3, 4}, {4, 5}, {5, 6}}));
}

TEST(ReplaceNormalizer, EmptyMatchesInsertEverywhere) {
  const nlohmann::json regex = {
      {"type", "Replace"}, {"pattern", {{"Regex", "x*"}}}, {"content", "-"}};
  const auto [text, offsets] = normalize(regex, "ab");
  EXPECT_EQ(text, "-a-b-");
  EXPECT_EQ(offsets, (std::vector<Offsets>{{0, 0}, {0, 1}, {0, 1}, {1, 2}, {1, 2}}));
  // The empty literal is compiled like an empty regex by tokenizers.
  const nlohmann::json literal = {
      {"type", "Replace"}, {"pattern", {{"String", ""}}}, {"content", "x"}};
  EXPECT_EQ(normalize(literal, "abc").first, "xaxbxcx");
}

TEST(PrependNormalizer, AlignsWithTheFirstCharacter) {
  const nlohmann::json config = {{"type", "Prepend"}, {"prepend", "▁"}};
  const auto [text, offsets] = normalize(config, "hé");
  EXPECT_EQ(text, "▁hé");
  EXPECT_EQ(offsets, (std::vector<Offsets>{{0, 1}, {0, 1}, {1, 3}}));
  EXPECT_EQ(normalize(config, "").first, "");
}

TEST(PrependNormalizer, LlamaStyleSequence) {
  const nlohmann::json config = {
      {"type", "Sequence"},
      {"normalizers",
       {{{"type", "Prepend"}, {"prepend", "▁"}},
        {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}}}};
  const auto [text, offsets] = normalize(config, "a b");
  EXPECT_EQ(text, "▁a▁b");
  EXPECT_EQ(offsets, (std::vector<Offsets>{{0, 1}, {0, 1}, {1, 2}, {2, 3}}));
}

TEST(ReplaceNormalizer, Errors) {
  EXPECT_EQ(load_error({{"type", "Replace"}, {"pattern", {{"Regex", "(a"}}}, {"content", ""}},
                       "normalizer")
                .rfind("tokenizer.json: normalizer.pattern.Regex: ", 0),
            0u);
  EXPECT_EQ(load_error({{"type", "Replace"}, {"pattern", {{"Glob", "a"}}}, {"content", ""}},
                       "normalizer"),
            "tokenizer.json: normalizer.pattern: expected {\"String\": ...} or {\"Regex\": ...}");
  EXPECT_EQ(load_error({{"type", "Replace"}, {"pattern", {{"String", "a"}}}}, "normalizer"),
            "tokenizer.json: normalizer: missing member 'content'");
}

// ---- pre-tokenizers ----------------------------------------------------------------------------

TEST(MetaspacePreTokenizer, AlwaysSplit) {
  const nlohmann::json config = {
      {"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "always"}, {"split", true}};
  EXPECT_EQ(pre_tokenize(config, "Hey  friend! ▁x"), (std::vector<Piece>{{"▁Hey", {0, 3}},
                                                                         {"▁", {3, 4}},
                                                                         {"▁friend!", {4, 12}},
                                                                         {"▁", {12, 13}},
                                                                         {"▁x", {13, 17}}}));
}

TEST(MetaspacePreTokenizer, FirstWithoutSplitAndNever) {
  const nlohmann::json first = {
      {"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "first"}, {"split", false}};
  EXPECT_EQ(pre_tokenize(first, "Hey friend"), (std::vector<Piece>{{"▁Hey▁friend", {0, 10}}}));
  const nlohmann::json never = {
      {"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "never"}};
  EXPECT_EQ(pre_tokenize(never, " a b"), (std::vector<Piece>{{"▁a", {0, 2}}, {"▁b", {2, 4}}}));
}

TEST(MetaspacePreTokenizer, LegacyAddPrefixSpaceAndErrors) {
  const nlohmann::json legacy = {
      {"type", "Metaspace"}, {"replacement", "▁"}, {"add_prefix_space", true}};
  EXPECT_EQ(pre_tokenize(legacy, "a"), (std::vector<Piece>{{"▁a", {0, 1}}}));
  const nlohmann::json off = {{"type", "Metaspace"},
                              {"replacement", "▁"},
                              {"add_prefix_space", false},
                              {"prepend_scheme", "never"}};
  EXPECT_EQ(pre_tokenize(off, "a"), (std::vector<Piece>{{"a", {0, 1}}}));
  EXPECT_EQ(load_error({{"type", "Metaspace"}, {"replacement", "▁"}, {"add_prefix_space", false}},
                       "pre_tokenizer"),
            "tokenizer.json: pre_tokenizer.add_prefix_space: add_prefix_space does not match "
            "declared prepend_scheme");
  EXPECT_EQ(load_error({{"type", "Metaspace"}, {"replacement", "▁▁"}}, "pre_tokenizer"),
            "tokenizer.json: pre_tokenizer.replacement: expected a single character, got \"▁▁\"");
  EXPECT_EQ(
      load_error({{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "sometimes"}},
                 "pre_tokenizer"),
      "tokenizer.json: pre_tokenizer.prepend_scheme: unknown prepend_scheme 'sometimes' "
      "(expected first, never or always)");
}

TEST(DigitsPreTokenizer, IndividualAndContiguous) {
  EXPECT_EQ(pre_tokenize({{"type", "Digits"}, {"individual_digits", true}}, "ab123c٣4"),
            (std::vector<Piece>{{"ab", {0, 2}},
                                {"1", {2, 3}},
                                {"2", {3, 4}},
                                {"3", {4, 5}},
                                {"c", {5, 6}},
                                {"٣", {6, 8}},
                                {"4", {8, 9}}}));
  EXPECT_EQ(
      pre_tokenize({{"type", "Digits"}, {"individual_digits", false}}, "ab123c٣4½x"),
      (std::vector<Piece>{
          {"ab", {0, 2}}, {"123", {2, 5}}, {"c", {5, 6}}, {"٣4½", {6, 11}}, {"x", {11, 12}}}));
  EXPECT_TRUE(is_rust_numeric(U'Ⅻ'));  // Nl
  EXPECT_FALSE(is_rust_numeric(U'a'));
}

TEST(CharDelimiterSplitPreTokenizer, RemovesTheDelimiter) {
  EXPECT_EQ(pre_tokenize({{"type", "CharDelimiterSplit"}, {"delimiter", "é"}}, "aébééc"),
            (std::vector<Piece>{{"a", {0, 1}}, {"b", {3, 4}}, {"c", {8, 9}}}));
}

TEST(UnicodeScriptsPreTokenizer, SplitsOnScriptChanges) {
  // Leading spaces belong to no piece; kana and U+30FC count as Han; a space joins the piece
  // before it.
  EXPECT_EQ(pre_tokenize({{"type", "UnicodeScripts"}}, "  Hello日本語カタカナーx Привет 123"),
            (std::vector<Piece>{{"Hello", {2, 7}},
                                {"日本語カタカナー", {7, 31}},
                                {"x ", {31, 33}},
                                {"Привет ", {33, 46}},
                                {"123", {46, 49}}}));
  EXPECT_EQ(script_class(U' '), 0);
  EXPECT_EQ(script_class(U'あ'), script_class(U'漢'));
  EXPECT_NE(script_class(U'a'), script_class(U'я'));
}

TEST(FixedLengthPreTokenizer, CharacterChunks) {
  EXPECT_EQ(pre_tokenize({{"type", "FixedLength"}, {"length", 3}}, "abcdéfgh"),
            (std::vector<Piece>{{"abc", {0, 3}}, {"déf", {3, 7}}, {"gh", {7, 9}}}));
  EXPECT_EQ(pre_tokenize({{"type", "FixedLength"}}, "abcdefg"),
            (std::vector<Piece>{{"abcde", {0, 5}}, {"fg", {5, 7}}}));
  EXPECT_EQ(load_error({{"type", "FixedLength"}, {"length", 0}}, "pre_tokenizer"),
            "tokenizer.json: pre_tokenizer.length: length must be at least 1");
}

// ---- model -------------------------------------------------------------------------------------

TEST(WordLevelModel, WholeWordsOrUnknown) {
  const nlohmann::json config = {{"type", "WordLevel"},
                                 {"vocab", {{"<unk>", 0}, {"hello", 1}, {"wörld", 2}}},
                                 {"unk_token", "<unk>"}};
  auto model = model_from_json(JsonRef(config, "model", kOrigin));
  std::vector<Token> tokens;
  model->tokenize("wörld", tokens);
  model->tokenize("hellos", tokens);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].id, 2u);
  EXPECT_EQ(tokens[0].offsets, (Offsets{0, 6}));
  EXPECT_EQ(tokens[1].value, "<unk>");
  EXPECT_EQ(tokens[1].offsets, (Offsets{0, 6}));
  EXPECT_EQ(model->vocab_size(), 3u);
  EXPECT_EQ(model->token_to_id("hello"), 1u);
  EXPECT_EQ(model->id_to_token(2), "wörld");
  EXPECT_FALSE(model->id_to_token(3).has_value());
}

TEST(WordLevelModel, MissingUnknownTokenAndBadVocab) {
  const nlohmann::json config = {{"type", "WordLevel"}, {"vocab", {{"a", 0}}}};
  auto model = model_from_json(JsonRef(config, "model", kOrigin));
  std::vector<Token> tokens;
  EXPECT_THROW(model->tokenize("b", tokens), std::invalid_argument);
  EXPECT_EQ(load_error({{"type", "WordLevel"}, {"vocab", {{"a", -1}}}}, "model"),
            "tokenizer.json: model.vocab[\"a\"]: expected a token id (0..2^32-1)");
}

// ---- post-processor ----------------------------------------------------------------------------

TEST(SequencePostProcessor, AppliesEachProcessorInTurn) {
  const nlohmann::json config = {
      {"type", "Sequence"},
      {"processors",
       {{{"type", "TemplateProcessing"},
         {"single",
          {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
           {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
         {"pair",
          {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
           {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
           {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}}},
         {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}}}};
  auto processor = post_processor_from_json(JsonRef(config, "post_processor", kOrigin));
  EXPECT_EQ(processor->added_tokens(false), 1u);
  EXPECT_EQ(processor->added_tokens(true), 1u);
  EncodingData first;
  first.push(7, "hi", {0, 2}, 0, 0, 0);
  const EncodingData out = processor->process(std::move(first), std::nullopt, true);
  EXPECT_EQ(out.ids, (std::vector<std::uint32_t>{1, 7}));
  EXPECT_EQ(out.tokens, (std::vector<std::string>{"<s>", "hi"}));
  EXPECT_EQ(out.type_ids, (std::vector<std::uint32_t>{0, 0}));

  const nlohmann::json empty = {{"type", "Sequence"}, {"processors", nlohmann::json::array()}};
  EXPECT_EQ(post_processor_from_json(JsonRef(empty, "post_processor", kOrigin))->added_tokens(true),
            0u);
  EXPECT_EQ(
      load_error({{"type", "Sequence"}, {"processors", {{{"type", "Nope"}}}}}, "post_processor"),
      "tokenizer.json: post_processor.processors[0].type: unknown post-processor 'Nope'");
}

// ---- decoders ----------------------------------------------------------------------------------

TEST(MetaspaceDecoder, FirstTokenLosesEveryReplacement) {
  const nlohmann::json always = {
      {"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "always"}};
  EXPECT_EQ(decode(always, {"▁Hey", "▁fri▁end", "!"}), "Hey fri end!");
  const nlohmann::json never = {
      {"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "never"}};
  EXPECT_EQ(decode(never, {"▁Hey", "▁there"}), " Hey there");
}

TEST(ReplaceDecoder, StringAndRegex) {
  EXPECT_EQ(decode({{"type", "Replace"}, {"pattern", {{"String", "▁"}}}, {"content", " "}},
                   {"▁a", "b▁▁"}),
            " ab  ");
  EXPECT_EQ(decode({{"type", "Replace"}, {"pattern", {{"Regex", "[0-9]+"}}}, {"content", "#"}},
                   {"a12b3", "x"}),
            "a#b#x");
}

TEST(ByteFallbackDecoder, BytesAndInvalidUtf8) {
  // "<0x+A>" is byte 0x0A (Rust's from_str_radix takes a sign); E2 82 0A is not UTF-8, so each
  // of its bytes becomes U+FFFD.
  EXPECT_EQ(decode({{"type", "ByteFallback"}}, {"<0x61>", "<0xC3>", "<0xA9>", "b", "<0xC3>", "c",
                                                "<0xE2>", "<0x82>", "<0x+A>", "<0x6>", "<0xGG>"}),
            "aéb\uFFFDc\uFFFD\uFFFD\uFFFD<0x6><0xGG>");
}

TEST(FuseAndStripDecoders, Basics) {
  auto fuse = decoder_from_json(JsonRef(nlohmann::json{{"type", "Fuse"}}, "decoder", kOrigin));
  EXPECT_EQ(fuse->decode_chain({"a", "b", "c"}), (std::vector<std::string>{"abc"}));
  const nlohmann::json strip = {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}};
  auto decoder = decoder_from_json(JsonRef(strip, "decoder", kOrigin));
  EXPECT_EQ(decoder->decode_chain({" a", "  b "}), (std::vector<std::string>{"a", " b "}));
  EXPECT_EQ(decode({{"type", "Strip"}, {"content", "x"}, {"start", 2}, {"stop", 1}}, {"xxxaxx"}),
            "xax");
  // tokenizers panics here; the cuts stop at each other instead.
  EXPECT_EQ(decode({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 1}}, {" ", ""}),
            "");
}

TEST(CtcDecoder, CollapsesPadsAndDelimiters) {
  const nlohmann::json config = {
      {"type", "CTC"}, {"pad_token", "<pad>"}, {"word_delimiter_token", "|"}, {"cleanup", true}};
  EXPECT_EQ(decode(config, {"<pad>", "h", "h", "e", "<pad>", "l", "l", "<pad>", "l", "o",
                            "|",     "w", "o", "r", "l",     "d", "|", "do",    "|", "not"}),
            "hello world do not");
  nlohmann::json raw = config;
  raw["cleanup"] = false;
  EXPECT_EQ(decode(raw, {"a", "a", "|", "<pad>", "b"}), "a|b");
  // An empty delimiter is replaced at every character boundary, as Rust's str::replace does.
  nlohmann::json empty = config;
  empty["word_delimiter_token"] = "";
  EXPECT_EQ(decode(empty, {"ab", "ab", "<pad>", "c"}), " a b   c ");
}

TEST(SequenceDecoder, LlamaChain) {
  const nlohmann::json config = {
      {"type", "Sequence"},
      {"decoders",
       {{{"type", "Replace"}, {"pattern", {{"String", "▁"}}}, {"content", " "}},
        {{"type", "ByteFallback"}},
        {{"type", "Fuse"}},
        {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  EXPECT_EQ(decode(config, {"▁Hi", "<0xE2>", "<0x9C>", "<0x93>", "▁there", "<0xFF>"}),
            "Hi✓ there\uFFFD");
  EXPECT_EQ(load_error({{"type", "Sequence"}, {"decoders", {{{"type", "CTC"}}}}}, "decoder"),
            "tokenizer.json: decoder.decoders[0]: missing member 'pad_token'");
}

}  // namespace
}  // namespace modelexport::text
