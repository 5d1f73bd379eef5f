// Byte-level BPE components: the byte-level alphabet, the GPT-2 split pattern (hand-written
// matcher against Oniguruma), the ByteLevel and Split pre-tokenizers, the BPE model, the
// RobertaProcessing and ByteLevel post-processors, the ByteLevel and BPEDecoder decoders, and
// Regex's find_all semantics. Expected values come from Hugging Face `tokenizers` 0.23.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "modelexport/tokenizer.h"
#include "text/byte_level_alphabet.h"
#include "text/decoders/decoder.h"
#include "text/models/model.h"
#include "text/models/word_cache.h"
#include "text/post_processors/post_processor.h"
#include "text/pre_tokenizers/byte_level.h"
#include "text/pre_tokenizers/pre_tokenizer.h"
#include "text/regex.h"

namespace modelexport::text {
namespace {

const std::string kOrigin = "tokenizer.json";
using Splits = std::vector<std::pair<std::string, Offsets>>;

// (text, original byte offsets) of each split after pre-tokenization.
Splits pre_tokenize(const nlohmann::json& config, const std::string& input) {
  auto pre_tokenizer = pre_tokenizer_from_json(JsonRef(config, "pre_tokenizer", kOrigin));
  PreTokenizedString p(input);
  pre_tokenizer->pre_tokenize(p);
  Splits out;
  for (const auto& split : p.splits()) {
    out.emplace_back(split.normalized.get(), split.normalized.offsets_original());
  }
  return out;
}

nlohmann::json byte_level(bool add_prefix_space, bool use_regex = true) {
  return {{"type", "ByteLevel"},
          {"add_prefix_space", add_prefix_space},
          {"trim_offsets", true},
          {"use_regex", use_regex}};
}

nlohmann::json split(nlohmann::json pattern, const std::string& behavior, bool invert) {
  return {{"type", "Split"}, {"pattern", pattern}, {"behavior", behavior}, {"invert", invert}};
}

// vocab of the small BPE models below, and their merges.
nlohmann::json small_vocab() {
  return {{"<unk>", 0}, {"a", 1},      {"b", 2},      {"c", 3},      {"ab", 4}, {"abc", 5},
          {"bc", 6},    {"<0x61>", 7}, {"<0xC3>", 8}, {"<0xA9>", 9}, {"d", 10}};
}

nlohmann::json small_bpe(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json model = {
      {"type", "BPE"}, {"vocab", small_vocab()}, {"merges", {"a b", "b c", "ab c"}}};
  model.update(extra);
  return model;
}

using Tokens = std::vector<std::tuple<std::uint32_t, std::string, Offsets>>;

Tokens tokenize(const nlohmann::json& config, const std::string& word) {
  auto model = model_from_json(JsonRef(config, "model", kOrigin));
  std::vector<Token> tokens;
  model->tokenize(word, tokens);
  Tokens out;
  for (const Token& t : tokens) out.emplace_back(t.id, t.value, t.offsets);
  return out;
}

std::string model_error(const nlohmann::json& config) {
  try {
    model_from_json(JsonRef(config, "model", kOrigin));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(ByteLevelAlphabet, MapsEveryByteToOneCharacterAndBack) {
  EXPECT_EQ(byte_level::byte_to_char(' '), U'\u0120');  // "Ġ"
  EXPECT_EQ(byte_level::byte_to_char('\n'), U'\u010A');
  EXPECT_EQ(byte_level::byte_to_char('!'), U'!');
  EXPECT_EQ(byte_level::byte_to_char(0), U'\u0100');
  EXPECT_EQ(byte_level::byte_to_char(0xAD), U'\u0143');
  EXPECT_EQ(byte_level::byte_to_char(0xE9), U'\u00E9');
  for (unsigned b = 0; b < 256; ++b) {
    const char32_t c = byte_level::byte_to_char(static_cast<std::uint8_t>(b));
    EXPECT_EQ(byte_level::char_to_byte(c),
              std::optional<std::uint8_t>(static_cast<std::uint8_t>(b)));
  }
  EXPECT_EQ(byte_level::char_to_byte(U'\u0144'), std::nullopt);
  EXPECT_EQ(byte_level::char_to_byte(U' '), std::nullopt);
}

TEST(Gpt2Pattern, HandWrittenMatcherAgreesWithOniguruma) {
  const Regex regex(kGpt2Pattern);
  const std::vector<std::string> cases = {
      "Hello world's  café\t!!",
      "I'm  we'll they've you're he'd 'S ''s ?'s 'x",
      "   leading\t\t and trailing   ",
      "a \t b\u00a0\u00a0c\u3000 d  ",
      "123abc 456 ½ ①",
      "e\u0301 \u200d\U0001F600x",
      " ",
      "\t",
      "'",
      "''re",
  };
  for (const std::string& text : cases) {
    EXPECT_EQ(gpt2_find_matches(text), regex.find_matches(text)) << text;
  }
  // Random strings over characters the pattern treats differently (all in old Unicode
  // versions, where the system's Oniguruma and the reference agree).
  const std::vector<std::string> alphabet = {
      " ",      " ",      "\t",     "\r",         "\v",     "\u0085", "\u00a0", "\u2028",
      "\u3000", "'",      "s",      "t",          "r",      "e",      "v",      "l",
      "d",      "m",      "S",      "1",          "\u0661", "\u00bd", "!",      ".",
      "\u0301", "\u00e9", "\u4e00", "\U0001F600", "\u200d", "\x01",   "x"};
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int length = static_cast<int>(rng() % 24) + 1;
    for (int j = 0; j < length; ++j) text += alphabet[rng() % alphabet.size()];
    ASSERT_EQ(gpt2_find_matches(text), regex.find_matches(text)) << text;
  }
}

TEST(ByteLevelPreTokenizer, SplitsWithGpt2PatternAndMapsBytes) {
  EXPECT_EQ(pre_tokenize(byte_level(false), "Hello world's  café\t!!"),
            (Splits{{"Hello", {0, 5}},
                    {"Ġworld", {5, 11}},
                    {"'s", {11, 13}},
                    {"Ġ", {13, 14}},
                    {"ĠcafÃ©", {14, 20}},
                    {"ĉ", {20, 21}},
                    {"!!", {21, 23}}}));
}

TEST(ByteLevelPreTokenizer, AddPrefixSpaceMapsTheSpaceToTheFirstCharacter) {
  EXPECT_EQ(pre_tokenize(byte_level(true), "Hello  there"),
            (Splits{{"ĠHello", {0, 5}}, {"Ġ", {5, 6}}, {"Ġthere", {6, 12}}}));
  // A text that already starts with a space gets none.
  EXPECT_EQ(pre_tokenize(byte_level(true), " x"), (Splits{{"Ġx", {0, 2}}}));
  EXPECT_EQ(pre_tokenize(byte_level(true, false), "é x"), (Splits{{"ĠÃ©Ġx", {0, 4}}}));
}

TEST(SplitPreTokenizer, Behaviors) {
  const nlohmann::json dash = {{"String", "-"}};
  const std::string text = "a--b-c1d22";
  EXPECT_EQ(pre_tokenize(split(dash, "Removed", false), text),
            (Splits{{"a", {0, 1}}, {"b", {3, 4}}, {"c1d22", {5, 10}}}));
  EXPECT_EQ(pre_tokenize(split(dash, "Isolated", false), text), (Splits{{"a", {0, 1}},
                                                                        {"-", {1, 2}},
                                                                        {"-", {2, 3}},
                                                                        {"b", {3, 4}},
                                                                        {"-", {4, 5}},
                                                                        {"c1d22", {5, 10}}}));
  EXPECT_EQ(pre_tokenize(split(dash, "MergedWithPrevious", false), text),
            (Splits{{"a-", {0, 2}}, {"-", {2, 3}}, {"b-", {3, 5}}, {"c1d22", {5, 10}}}));
  EXPECT_EQ(pre_tokenize(split(dash, "MergedWithNext", false), text),
            (Splits{{"a", {0, 1}}, {"-", {1, 2}}, {"-b", {2, 4}}, {"-c1d22", {4, 10}}}));
  EXPECT_EQ(
      pre_tokenize(split(dash, "Contiguous", false), text),
      (Splits{{"a", {0, 1}}, {"--", {1, 3}}, {"b", {3, 4}}, {"-", {4, 5}}, {"c1d22", {5, 10}}}));
}

TEST(SplitPreTokenizer, InvertEmptyStringAndLookahead) {
  const std::string text = "a--b-c1d22";
  EXPECT_EQ(pre_tokenize(split({{"Regex", "\\d+"}}, "Isolated", true), text),
            (Splits{{"a--b-c", {0, 6}}, {"1", {6, 7}}, {"d", {7, 8}}, {"22", {8, 10}}}));
  // tokenizers compiles "" as a regex that matches between every two characters.
  EXPECT_EQ(pre_tokenize(split({{"String", ""}}, "Isolated", false), "ab-"),
            (Splits{{"a", {0, 1}}, {"b", {1, 2}}, {"-", {2, 3}}}));
  EXPECT_EQ(pre_tokenize(split({{"Regex", "(?=b)"}}, "Removed", false), text),
            (Splits{{"a--", {0, 3}}, {"b-c1d22", {3, 10}}}));
}

TEST(Regex, FindAllWithEmptyMatchesAndLookahead) {
  using Matches = std::vector<Offsets>;
  EXPECT_EQ(Regex("").find_all("abc"), (Matches{{0, 0}, {1, 1}, {2, 2}, {3, 3}}));
  EXPECT_EQ(Regex("").find_all(""), (Matches{{0, 0}}));
  // The empty match right after "aa" is skipped (onig's find_iter).
  EXPECT_EQ(Regex("a*").find_all("baa"), (Matches{{0, 0}, {1, 3}}));
  EXPECT_EQ(Regex("a*").find_all("bab"), (Matches{{0, 0}, {1, 2}, {3, 3}}));
  // Empty matches advance by a whole character, never inside one.
  EXPECT_EQ(Regex("x*").find_all("é"), (Matches{{0, 0}, {2, 2}}));
  EXPECT_EQ(Regex("\\s+(?!\\S)").find_all("a   b  "), (Matches{{1, 3}, {5, 7}}));
  EXPECT_EQ(Regex("(?<=a)b").find_all("abcab"), (Matches{{1, 2}, {4, 5}}));
  EXPECT_THROW(Regex("("), std::invalid_argument);
}

TEST(BPE, MergesByRankInBothJsonForms) {
  EXPECT_EQ(tokenize(small_bpe(), "abc"), (Tokens{{5, "abc", {0, 3}}}));
  EXPECT_EQ(tokenize(small_bpe(), "bca"), (Tokens{{6, "bc", {0, 2}}, {1, "a", {2, 3}}}));
  nlohmann::json pairs = small_bpe();
  pairs["merges"] =
      nlohmann::json::array({nlohmann::json::array({"a", "b"}), nlohmann::json::array({"b", "c"}),
                             nlohmann::json::array({"ab", "c"})});
  EXPECT_EQ(tokenize(pairs, "abcabc"), tokenize(small_bpe(), "abcabc"));
  // "#version" lines of a merges.txt are skipped; a model without "type" is a BPE.
  nlohmann::json legacy = small_bpe();
  legacy.erase("type");
  legacy["merges"] = {"#version: 0.2", "a b", "b c", "ab c"};
  EXPECT_EQ(tokenize(legacy, "abc"), (Tokens{{5, "abc", {0, 3}}}));
}

TEST(BPE, UnknownCharactersAreDroppedUnkOrFused) {
  // Without an unknown token, unknown characters vanish (later offsets shift, as in tokenizers).
  EXPECT_EQ(tokenize(small_bpe(), "ééd"), (Tokens{{10, "d", {0, 1}}}));
  EXPECT_EQ(
      tokenize(small_bpe({{"unk_token", "<unk>"}}), "abcxyé"),
      (Tokens{
          {5, "abc", {0, 3}}, {0, "<unk>", {3, 4}}, {0, "<unk>", {4, 5}}, {0, "<unk>", {5, 7}}}));
  EXPECT_EQ(tokenize(small_bpe({{"unk_token", "<unk>"}, {"fuse_unk", true}}), "abcxyé"),
            (Tokens{{5, "abc", {0, 3}}, {0, "<unk>", {3, 7}}}));
  // An unknown token missing from the vocabulary fails only when it is needed.
  const nlohmann::json missing = small_bpe({{"unk_token", "<missing>"}});
  EXPECT_EQ(tokenize(missing, "abc"), (Tokens{{5, "abc", {0, 3}}}));
  EXPECT_THROW(tokenize(missing, "x"), std::invalid_argument);
}

TEST(BPE, ByteFallbackKeepsAPendingUnknownAfterTheBytes) {
  const nlohmann::json model = small_bpe({{"unk_token", "<unk>"}, {"byte_fallback", true}});
  EXPECT_EQ(tokenize(model, "ééd"), (Tokens{{8, "<0xC3>", {0, 1}},
                                            {9, "<0xA9>", {1, 2}},
                                            {8, "<0xC3>", {2, 3}},
                                            {9, "<0xA9>", {3, 4}},
                                            {10, "d", {4, 5}}}));
  // tokenizers' order: "x" is flushed when "y" arrives; "y" stays pending past the bytes of "é".
  EXPECT_EQ(tokenize(model, "abcxyé"), (Tokens{{5, "abc", {0, 3}},
                                               {0, "<unk>", {3, 4}},
                                               {8, "<0xC3>", {4, 5}},
                                               {9, "<0xA9>", {5, 6}},
                                               {0, "<unk>", {6, 7}}}));
}

TEST(BPE, PrefixSuffixIgnoreMergesAndDropout) {
  const nlohmann::json suffix = {{"type", "BPE"},
                                 {"vocab", {{"l", 0}, {"o</w>", 1}, {"lo</w>", 2}, {"o", 3}}},
                                 {"merges", {"l o</w>"}},
                                 {"end_of_word_suffix", "</w>"}};
  EXPECT_EQ(tokenize(suffix, "lo"), (Tokens{{2, "lo</w>", {0, 2}}}));
  EXPECT_EQ(tokenize(suffix, "ol"), (Tokens{{3, "o", {0, 1}}}));  // "l</w>" is unknown
  const nlohmann::json prefix = {{"type", "BPE"},
                                 {"vocab", {{"l", 0}, {"##o", 1}, {"lo", 2}, {"o", 3}}},
                                 {"merges", {"l ##o"}},
                                 {"continuing_subword_prefix", "##"}};
  EXPECT_EQ(tokenize(prefix, "lol"), (Tokens{{2, "lo", {0, 2}}}));
  // ignore_merges takes a whole word that is in the vocabulary as it is.
  nlohmann::json ignore = small_bpe({{"ignore_merges", true}});
  ignore["vocab"]["bca"] = 11;
  EXPECT_EQ(tokenize(ignore, "bca"), (Tokens{{11, "bca", {0, 3}}}));
  EXPECT_EQ(tokenize(small_bpe({{"dropout", 0.0}}), "abc"), (Tokens{{5, "abc", {0, 3}}}));
  // Dropout 1 drops every merge (deterministic); other positive values are random: rejected.
  EXPECT_EQ(tokenize(small_bpe({{"dropout", 1.0}}), "ab"),
            (Tokens{{1, "a", {0, 1}}, {2, "b", {1, 2}}}));
  EXPECT_NE(model_error(small_bpe({{"dropout", 0.1}})).find("tokenizer.json: model.dropout:"),
            std::string::npos);
  EXPECT_NE(model_error(small_bpe({{"dropout", 2}})).find("model.dropout"), std::string::npos);
}

TEST(BPE, ErrorsNameTheJsonPath) {
  nlohmann::json bad_merge = small_bpe();
  bad_merge["merges"] = {"a b", "#version: 0.2", "a x"};
  EXPECT_NE(model_error(bad_merge).find("tokenizer.json: model.merges[2]: token 'x'"),
            std::string::npos)
      << model_error(bad_merge);
  bad_merge["merges"] = {"a b c"};
  EXPECT_NE(model_error(bad_merge).find("model.merges[0]"), std::string::npos);
  bad_merge["merges"] = nlohmann::json::array({"a b", nlohmann::json::array({"a", "b"})});
  EXPECT_NE(model_error(bad_merge).find("model.merges[1]"), std::string::npos);
  nlohmann::json bad_id = small_bpe();
  bad_id["vocab"]["a"] = -1;
  EXPECT_NE(model_error(bad_id).find("model.vocab[\"a\"]"), std::string::npos);
  nlohmann::json no_merges = small_bpe();
  no_merges.erase("merges");
  EXPECT_NE(model_error(no_merges).find("merges"), std::string::npos);
}

// A GPT-2 style tokenizer.json around `model`.
std::string gpt2_json(const nlohmann::json& post_processor) {
  nlohmann::json vocab = nlohmann::json::object();
  std::uint32_t next = 0;
  for (unsigned b = 0; b < 256; ++b) {
    std::string token;
    append_utf8(token, byte_level::byte_to_char(static_cast<std::uint8_t>(b)));
    vocab[token] = next++;
  }
  const std::vector<std::pair<std::string, std::string>> merges = {
      {"Ġ", "w"}, {"o", "r"}, {"Ġw", "or"}, {"l", "d"}, {"Ġwor", "ld"}, {"H", "i"}, {"Ġ", "Ġ"}};
  nlohmann::json merge_list = nlohmann::json::array();
  for (const auto& [a, b] : merges) {
    vocab[a + b] = next++;
    merge_list.push_back(a + " " + b);
  }
  vocab["<s>"] = next++;
  vocab["</s>"] = next++;
  nlohmann::json doc = {
      {"version", "1.0"},
      {"added_tokens",
       {{{"id", vocab["<s>"]}, {"content", "<s>"}, {"special", true}},
        {{"id", vocab["</s>"]}, {"content", "</s>"}, {"special", true}}}},
      {"normalizer", nullptr},
      {"pre_tokenizer", byte_level(false)},
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merge_list}}},
      {"post_processor", post_processor},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}}}};
  return doc.dump();
}

TEST(PostProcessors, ByteLevelTrimsSpacesFromOffsets) {
  const nlohmann::json trim = {
      {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}};
  auto tokenizer = Tokenizer::from_json_string(gpt2_json(trim));
  const Encoding e = tokenizer.encode("Hi  world");
  EXPECT_EQ(e.tokens, (std::vector<std::string>{"Hi", "Ġ", "Ġworld"}));
  using Spans = std::vector<std::pair<std::size_t, std::size_t>>;
  EXPECT_EQ(e.offsets, (Spans{{0, 2}, {3, 3}, {4, 9}}));
  EXPECT_EQ(tokenizer.decode(e.ids), "Hi  world");

  nlohmann::json keep = trim;
  keep["trim_offsets"] = false;
  EXPECT_EQ(Tokenizer::from_json_string(gpt2_json(keep)).encode("Hi  world").offsets,
            (Spans{{0, 2}, {2, 3}, {3, 9}}));
}

TEST(PostProcessors, RobertaProcessingWrapsPairs) {
  const nlohmann::json roberta = {{"type", "RobertaProcessing"},
                                  {"sep", {"</s>", 264}},
                                  {"cls", {"<s>", 263}},
                                  {"trim_offsets", true},
                                  {"add_prefix_space", false}};
  auto tokenizer = Tokenizer::from_json_string(gpt2_json(roberta));
  const Encoding e = tokenizer.encode("Hi world", std::string_view(" world"));
  EXPECT_EQ(e.tokens,
            (std::vector<std::string>{"<s>", "Hi", "Ġworld", "</s>", "</s>", "Ġworld", "</s>"}));
  EXPECT_EQ(e.ids, (std::vector<std::int64_t>{263, 261, 260, 264, 264, 260, 264}));
  EXPECT_EQ(e.type_ids, (std::vector<std::int64_t>(7, 0)));
  EXPECT_EQ(e.special_tokens_mask, (std::vector<std::int64_t>{1, 0, 0, 1, 1, 0, 1}));
  EXPECT_EQ(e.sequence_ids, (std::vector<std::int64_t>{-1, 0, 0, -1, -1, 1, -1}));
  using Spans = std::vector<std::pair<std::size_t, std::size_t>>;
  EXPECT_EQ(e.offsets, (Spans{{0, 0}, {0, 2}, {3, 8}, {0, 0}, {0, 0}, {1, 6}, {0, 0}}));
  EXPECT_EQ(tokenizer.num_special_tokens_to_add(true), 4u);
  EXPECT_EQ(tokenizer.decode(e.ids), "Hi world world");
}

TEST(BPE, ConcurrentEncodingGivesTheSameResults) {
  auto tokenizer = Tokenizer::from_json_string(gpt2_json(nullptr));
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) {
    texts.push_back("Hi world " + std::to_string(i) + " wor" + std::string(i % 7, 'l') + "d");
  }
  std::vector<std::vector<std::int64_t>> expected;
  for (const auto& t : texts) expected.push_back(tokenizer.encode(t).ids);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
          if (tokenizer.encode(texts[i]).ids != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, (std::vector<int>(4, 0)));
}

TEST(Decoders, ByteLevelAndBpeDecoder) {
  auto decode = [](const nlohmann::json& config, std::vector<std::string> tokens) {
    return decoder_from_json(JsonRef(config, "decoder", kOrigin))->decode(std::move(tokens));
  };
  const nlohmann::json bl = {
      {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}};
  // Bytes that do not form UTF-8 become U+FFFD; tokens outside the alphabet stay as they are.
  EXPECT_EQ(decode(bl, {"ĠHello", "Ġw", "orld", "Ã©", "Ã"}), " Hello worldé\uFFFD");
  EXPECT_EQ(decode(bl, {"<mask>", "Ġx"}), "<mask> x");
  const nlohmann::json bpe = {{"type", "BPEDecoder"}, {"suffix", "</w>"}};
  EXPECT_EQ(decode(bpe, {"hel", "lo</w>", "wor", "ld</w>"}), "hello world");
  EXPECT_EQ(decode({{"type", "BPEDecoder"}, {"suffix", "b"}}, {"a", "b", "ab"}), "a a");
}

TEST(WordCache, KeepsWordsPerOwnerAndSkipsWhatDoesNotFit) {
  struct Entry {
    int value;
  };
  using Cache = WordCache<Entry, 8, 2, 4>;
  const std::uint64_t a = new_word_cache_owner();
  const std::uint64_t b = new_word_cache_owner();
  EXPECT_NE(a, b);
  std::vector<Entry> out;
  const std::uint64_t h = Cache::hash("word");
  EXPECT_FALSE(Cache::lookup(a, "word", h, out));
  Cache::insert(a, "word", h, {{1}, {2}});
  ASSERT_TRUE(Cache::lookup(a, "word", h, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].value, 2);
  EXPECT_FALSE(Cache::lookup(b, "word", h, out));  // another model's entry
  const std::uint64_t long_hash = Cache::hash("a long word");
  Cache::insert(a, "a long word", long_hash, {{1}});  // key longer than 8 bytes
  EXPECT_FALSE(Cache::lookup(a, "a long word", long_hash, out));
  const std::uint64_t many_hash = Cache::hash("many");
  Cache::insert(a, "many", many_hash, {{1}, {2}, {3}});  // more than 2 entries
  EXPECT_FALSE(Cache::lookup(a, "many", many_hash, out));
}

}  // namespace
}  // namespace modelexport::text
