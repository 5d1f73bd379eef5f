// The public Tokenizer end to end on a tiny BERT tokenizer.json: encoding (offsets, masks,
// word/sequence ids), pairs, added tokens, truncation strategies, padding, decoding, loading
// errors with JSON paths, invalid UTF-8, concurrency. Expected values come from Hugging Face
// `tokenizers` 0.23.3 with the same JSON.
#include "modelexport/tokenizer.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <thread>

#include "test_helpers.h"
#include "tokenizer_test_data.h"

namespace modelexport {
namespace {

using testing::tiny_bert;
using testing::tiny_bert_json;
using Ids = std::vector<std::int64_t>;
using Offsets = std::vector<std::pair<std::size_t, std::size_t>>;
using Strings = std::vector<std::string>;

std::string load_error(const nlohmann::json& json) {
  try {
    Tokenizer::from_json_string(json.dump());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(Tokenizer, EncodesLikeTokenizers) {
  const Tokenizer tok = tiny_bert();
  const Encoding e = tok.encode("Hello, World!");
  EXPECT_EQ(e.ids, (Ids{2, 5, 7, 6, 8, 3}));
  EXPECT_EQ(e.tokens, (Strings{"[CLS]", "hello", ",", "world", "!", "[SEP]"}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {0, 5}, {5, 6}, {7, 12}, {12, 13}, {0, 0}}));
  EXPECT_EQ(e.type_ids, (Ids{0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.special_tokens_mask, (Ids{1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(e.attention_mask, (Ids{1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(e.word_ids, (Ids{-1, 0, 1, 2, 3, -1}));
  EXPECT_EQ(e.sequence_ids, (Ids{-1, 0, 0, 0, 0, -1}));
}

TEST(Tokenizer, OffsetsAreCharacterIndicesIntoTheOriginal) {
  const Tokenizer tok = tiny_bert();
  Encoding e = tok.encode("Héllo  CAFÉ!");
  EXPECT_EQ(e.ids, (Ids{2, 5, 13, 8, 3}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {0, 5}, {7, 11}, {11, 12}, {0, 0}}));
  e = tok.encode("你好x");
  EXPECT_EQ(e.ids, (Ids{2, 14, 15, 29, 3}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {0, 1}, {1, 2}, {2, 3}, {0, 0}}));
  e = tok.encode("unaffable");
  EXPECT_EQ(e.tokens, (Strings{"[CLS]", "un", "##aff", "##able", "[SEP]"}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {0, 2}, {2, 5}, {5, 9}, {0, 0}}));
  EXPECT_EQ(e.word_ids, (Ids{-1, 0, 0, 0, -1}));
}

TEST(Tokenizer, SpecialTokensAreMatchedInTheRawText) {
  const Tokenizer tok = tiny_bert();
  Encoding e = tok.encode("hello[MASK]world");
  EXPECT_EQ(e.ids, (Ids{2, 5, 4, 6, 3}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {0, 5}, {5, 11}, {11, 16}, {0, 0}}));
  // Only the post-processor's tokens count as special in the mask.
  EXPECT_EQ(e.special_tokens_mask, (Ids{1, 0, 0, 0, 1}));
  // Not normalized: "[mask]" is ordinary text.
  e = tok.encode("hello [mask] [MASK]");
  EXPECT_EQ(e.ids, (Ids{2, 5, 1, 1, 1, 4, 3}));
  EXPECT_EQ(e.offsets[5], (std::pair<std::size_t, std::size_t>{13, 19}));
}

TEST(Tokenizer, AddedTokenStripsWhitespaceWhenAsked) {
  nlohmann::json json = tiny_bert_json();
  json["added_tokens"][4]["lstrip"] = true;
  json["added_tokens"][4]["rstrip"] = true;
  const Encoding e = tiny_bert(json).encode("hello   [MASK]  world");
  EXPECT_EQ(e.ids, (Ids{2, 5, 4, 6, 3}));
  EXPECT_EQ(e.tokens[2], "   [MASK]  ");  // the token keeps what it swallowed
  EXPECT_EQ(e.offsets[2], (std::pair<std::size_t, std::size_t>{5, 16}));
}

TEST(Tokenizer, ControlCharactersEmptyTextAndInvalidUtf8) {
  const Tokenizer tok = tiny_bert();
  Encoding e =
      tok.encode(std::string("a\0b\u200B"
                             "c",
                             7));
  EXPECT_EQ(e.ids, (Ids{2, 1, 3}));
  EXPECT_EQ(e.offsets[1], (std::pair<std::size_t, std::size_t>{0, 5}));
  e = tok.encode("");
  EXPECT_EQ(e.ids, (Ids{2, 3}));
  // "caf\xE9 x" is read as "caf\uFFFD x" (Python's "replace"); clean_text drops U+FFFD.
  e = tok.encode("caf\xE9 x");
  EXPECT_EQ(e.ids, (Ids{2, 1, 29, 3}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {0, 3}, {5, 6}, {0, 0}}));
}

TEST(Tokenizer, NeverThrowsOnArbitraryBytes) {
  const Tokenizer tok = tiny_bert();
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    const Encoding e = tok.encode(bytes, bytes.substr(bytes.size() / 2));
    EXPECT_EQ(e.ids.size(), e.offsets.size());
    EXPECT_NO_THROW(tok.decode(e.ids));
  }
}

TEST(Tokenizer, PairsUseTheTemplate) {
  const Tokenizer tok = tiny_bert();
  Encoding e = tok.encode("hello world", std::string_view("the cafe"));
  EXPECT_EQ(e.ids, (Ids{2, 5, 6, 3, 12, 13, 3}));
  EXPECT_EQ(e.type_ids, (Ids{0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {0, 5}, {6, 11}, {0, 0}, {0, 3}, {4, 8}, {0, 0}}));
  EXPECT_EQ(e.word_ids, (Ids{-1, 0, 1, -1, 0, 1, -1}));
  EXPECT_EQ(e.sequence_ids, (Ids{-1, 0, 0, -1, 1, 1, -1}));
  e = tok.encode("hello world", std::string_view("the"), /*add_special_tokens=*/false);
  EXPECT_EQ(e.ids, (Ids{5, 6, 12}));
  EXPECT_EQ(e.type_ids, (Ids{0, 0, 1}));
  EXPECT_EQ(e.sequence_ids, (Ids{0, 0, 1}));
}

Strings tokens_with(Tokenizer tok, std::size_t max_length, TruncationStrategy strategy) {
  TruncationOptions t;
  t.max_length = max_length;
  t.strategy = strategy;
  tok.set_truncation(t);
  return tok.encode("hello world the cafe is a x", std::string_view("hello , world !")).tokens;
}

TEST(Tokenizer, TruncationStrategies) {
  const Tokenizer tok = tiny_bert();
  EXPECT_EQ(tokens_with(tok, 8, TruncationStrategy::kLongestFirst),
            (Strings{"[CLS]", "hello", "world", "the", "[SEP]", "hello", ",", "[SEP]"}));
  EXPECT_EQ(tokens_with(tok, 8, TruncationStrategy::kOnlyFirst),
            (Strings{"[CLS]", "hello", "[SEP]", "hello", ",", "world", "!", "[SEP]"}));
  try {
    tokens_with(tok, 8, TruncationStrategy::kOnlySecond);
    ADD_FAILURE() << "only_second cannot fit";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "Truncation error: Sequence to truncate too short to respect the provided "
                 "max_length");
  }
  Tokenizer single = tok;
  single.set_truncation(
      TruncationOptions{3, TruncationStrategy::kOnlySecond, 0, Direction::kRight});
  EXPECT_THROW(single.encode("hello world the"), std::invalid_argument);  // no second sequence
}

TEST(Tokenizer, LeftTruncationKeepsTheEnd) {
  Tokenizer tok = tiny_bert();
  tok.set_truncation(TruncationOptions{5, TruncationStrategy::kLongestFirst, 0, Direction::kLeft});
  const Encoding e = tok.encode("hello world the cafe is a x");
  EXPECT_EQ(e.ids, (Ids{2, 24, 22, 29, 3}));
  EXPECT_EQ(e.offsets, (Offsets{{0, 0}, {21, 23}, {24, 25}, {26, 27}, {0, 0}}));
  EXPECT_EQ(e.word_ids, (Ids{-1, 4, 5, 6, -1}));
}

TEST(Tokenizer, MaxLengthBelowTheSpecialTokensDisablesTruncation) {
  // tokenizers computes max_length - added tokens in usize: it wraps and keeps everything.
  Tokenizer tok = tiny_bert();
  tok.set_truncation(TruncationOptions{1, TruncationStrategy::kLongestFirst, 0, Direction::kRight});
  EXPECT_EQ(tok.encode("hello world the").size(), 5u);
  tok.set_truncation(TruncationOptions{2, TruncationStrategy::kLongestFirst, 0, Direction::kRight});
  EXPECT_EQ(tok.encode("hello world the").ids, (Ids{2, 3}));
}

TEST(Tokenizer, PaddingFixedLeftAndBatchLongest) {
  Tokenizer tok = tiny_bert();
  PaddingOptions p;
  p.length = 8;
  p.direction = Direction::kLeft;
  p.pad_type_id = 1;
  tok.set_padding(p);
  Encoding e = tok.encode("hello world");
  EXPECT_EQ(e.ids, (Ids{0, 0, 0, 0, 2, 5, 6, 3}));
  EXPECT_EQ(e.type_ids, (Ids{1, 1, 1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(e.attention_mask, (Ids{0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(e.special_tokens_mask, (Ids{1, 1, 1, 1, 1, 0, 0, 1}));
  EXPECT_EQ(e.tokens[0], "[PAD]");
  EXPECT_EQ(e.sequence_ids, (Ids{-1, -1, -1, -1, -1, 0, 0, -1}));

  PaddingOptions longest;
  longest.pad_to_multiple_of = 4;
  tok.set_padding(longest);
  const auto batch = tok.encode_batch(Strings{"hello", "hello world the cafe"});
  EXPECT_EQ(batch[0].ids, (Ids{2, 5, 3, 0, 0, 0, 0, 0}));
  EXPECT_EQ(batch[1].ids, (Ids{2, 5, 6, 12, 13, 3, 0, 0}));
  const auto pairs = tok.encode_batch(
      std::vector<std::pair<std::string, std::string>>{{"hello", "world"}, {"x", "the cafe"}});
  EXPECT_EQ(pairs[1].ids, (Ids{2, 29, 3, 12, 13, 3, 0, 0}));
}

TEST(Tokenizer, TruncationAndPaddingSectionsOfTheJsonApply) {
  nlohmann::json json = tiny_bert_json();
  json["truncation"] = {{"max_length", 4}, {"strategy", "LongestFirst"}, {"stride", 0}};
  json["padding"] = {{"strategy", {{"Fixed", 6}}},
                     {"direction", "Right"},
                     {"pad_to_multiple_of", nullptr},
                     {"pad_id", 0},
                     {"pad_type_id", 0},
                     {"pad_token", "[PAD]"}};
  Tokenizer tok = tiny_bert(json);
  EXPECT_EQ(tok.encode("hello world the cafe").ids, (Ids{2, 5, 6, 3, 0, 0}));
  ASSERT_TRUE(tok.truncation().has_value());
  EXPECT_EQ(tok.truncation()->max_length, 4u);
  tok.set_truncation(std::nullopt);
  tok.set_padding(std::nullopt);
  EXPECT_EQ(tok.encode("hello world the cafe").ids, (Ids{2, 5, 6, 12, 13, 3}));
}

TEST(Tokenizer, CopiesShareThePipelineButNotTheOptions) {
  const Tokenizer original = tiny_bert();
  Tokenizer copy = original;
  copy.set_truncation(
      TruncationOptions{3, TruncationStrategy::kLongestFirst, 0, Direction::kRight});
  EXPECT_EQ(copy.encode("hello world").size(), 3u);
  EXPECT_EQ(original.encode("hello world").size(), 4u);
}

TEST(Tokenizer, DecodeSkipsSpecialAndUnknownIds) {
  const Tokenizer tok = tiny_bert();
  EXPECT_EQ(tok.decode({2, 5, 7, 6, 8, 3}), "hello, world!");
  EXPECT_EQ(tok.decode({2, 5, 7, 6, 8, 3}, /*skip_special_tokens=*/false),
            "[CLS] hello, world! [SEP]");
  EXPECT_EQ(tok.decode({20, 17, 21, 9, 10, 11, 12, 16}), "don ' t unaffable the.");
  EXPECT_EQ(tok.decode({5, -1, 999, 1LL << 40, 6}), "hello world");
  EXPECT_EQ(tok.decode({}), "");
}

TEST(Tokenizer, VocabularyLookups) {
  const Tokenizer tok = tiny_bert();
  EXPECT_EQ(tok.token_to_id("[MASK]"), 4);
  EXPECT_EQ(tok.token_to_id("##able"), 11);
  EXPECT_EQ(tok.token_to_id("nope"), std::nullopt);
  EXPECT_EQ(tok.id_to_token(13), "cafe");
  EXPECT_EQ(tok.id_to_token(-3), std::nullopt);
  EXPECT_EQ(tok.vocab_size(), 30u);
  EXPECT_EQ(tok.vocab_size(false), 30u);
  EXPECT_EQ(tok.num_special_tokens_to_add(false), 2u);
  EXPECT_EQ(tok.num_special_tokens_to_add(true), 3u);
}

TEST(Tokenizer, NewAddedTokensGetIdsAfterTheVocabulary) {
  nlohmann::json json = tiny_bert_json();
  json["added_tokens"].push_back(
      {{"id", 77}, {"content", "<ent>"}, {"special", false}, {"normalized", false}});
  const Tokenizer tok = tiny_bert(json);
  EXPECT_EQ(tok.token_to_id("<ent>"), 30);  // tokenizers ignores the "id" written in the file
  EXPECT_EQ(tok.vocab_size(), 31u);
  EXPECT_EQ(tok.encode("x<ent>x").ids, (Ids{2, 29, 30, 29, 3}));
  EXPECT_EQ(tok.decode({29, 30}), "x <ent>");  // not special: kept
}

TEST(Tokenizer, LoadingErrorsNameTheJsonPath) {
  nlohmann::json json = tiny_bert_json();
  json["normalizer"] = {{"type", "Sequence"},
                        {"normalizers", {{{"type", "NFD"}}, {{"type", "Foo"}}}}};
  EXPECT_EQ(load_error(json),
            "tokenizer.json: normalizer.normalizers[1].type: unknown normalizer 'Foo'");

  json = tiny_bert_json();
  json.erase("model");
  EXPECT_EQ(load_error(json), "tokenizer.json: missing member 'model'");

  json = tiny_bert_json();
  json["truncation"] = {{"max_length", 8}, {"strategy", "Middle"}};
  EXPECT_EQ(load_error(json),
            "tokenizer.json: truncation.strategy: unknown truncation strategy 'Middle'");

  json = tiny_bert_json();
  json["added_tokens"][1]["content"] = 5;
  EXPECT_EQ(load_error(json),
            "tokenizer.json: added_tokens[1].content: expected a string, got an integer");

  // Package-controlled sizes that would drive allocations (modelexport/limits.h).
  json = tiny_bert_json();
  json["padding"] = {{"strategy", "BatchLongest"}, {"pad_to_multiple_of", 1000000000}};
  EXPECT_EQ(load_error(json),
            "tokenizer.json: padding.pad_to_multiple_of: 1000000000 is over the limit of 65536");
  json = tiny_bert_json();
  json["padding"] = {{"strategy", {{"Fixed", 2000000000}}}};
  EXPECT_EQ(load_error(json),
            "tokenizer.json: padding.strategy.Fixed: padding length 2000000000 is over the limit "
            "of 1048576");

  json = tiny_bert_json();
  json["version"] = "2.0";
  EXPECT_EQ(load_error(json), "tokenizer.json: version: unknown tokenizer version '2.0'");

  json = tiny_bert_json();
  json["post_processor"]["type"] = "GlueProcessing";
  EXPECT_EQ(load_error(json),
            "tokenizer.json: post_processor.type: unknown post-processor 'GlueProcessing'");

  try {
    Tokenizer::from_json_string("{\"model\": ", "my/tokenizer.json");
    ADD_FAILURE() << "malformed JSON accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("my/tokenizer.json: invalid JSON: ", 0), 0u) << e.what();
  }
  EXPECT_EQ(load_error(nlohmann::json::array()), "tokenizer.json: expected a JSON object");
}

TEST(Tokenizer, FromFileReadsAndNamesTheFile) {
  testing::ScratchDir dir;
  const std::string path = dir.file("tokenizer.json");
  testing::write_text(path, tiny_bert_json().dump());
  EXPECT_EQ(Tokenizer::from_file(path).encode("hello").ids, (Ids{2, 5, 3}));
  EXPECT_THROW(Tokenizer::from_file(dir.file("missing.json")), std::runtime_error);
  testing::write_text(path, "{}");
  try {
    Tokenizer::from_file(path);
    ADD_FAILURE() << "a tokenizer without a model was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), path + ": missing member 'model'");
  }
}

TEST(Tokenizer, OptionErrors) {
  Tokenizer tok = tiny_bert();
  EXPECT_THROW(tok.set_truncation(
                   TruncationOptions{4, TruncationStrategy::kLongestFirst, 3, Direction::kRight}),
               std::invalid_argument);  // stride 3 >= 4 - 2 special tokens
  PaddingOptions p;
  p.pad_id = -1;
  EXPECT_THROW(tok.set_padding(p), std::invalid_argument);
  EXPECT_EQ(parse_truncation_strategy("only_second"), TruncationStrategy::kOnlySecond);
  EXPECT_THROW(parse_truncation_strategy("shortest"), std::invalid_argument);
}

TEST(Tokenizer, ConstMethodsAreThreadSafe) {
  const Tokenizer tok = tiny_bert();
  const Strings inputs = {"Hello, World!", "Héllo  CAFÉ!", "你好x", "unaffable [MASK]", "don't"};
  std::vector<Encoding> expected;
  for (const auto& s : inputs) expected.push_back(tok.encode(s, std::string_view("the cafe")));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const Encoding e = tok.encode(inputs[i], std::string_view("the cafe"));
          if (e.ids != expected[i].ids || e.offsets != expected[i].offsets) ++mismatches[t];
          if (tok.decode(e.ids) != tok.decode(expected[i].ids)) ++mismatches[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(8, 0));
}

}  // namespace
}  // namespace modelexport
