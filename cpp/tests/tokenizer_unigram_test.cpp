// Unigram-family tokenizer components: the Unicode normalization forms (NFC, NFKC, NFKD), Nmt,
// Precompiled (sentencepiece charsmaps, grapheme by grapheme), grapheme clusters and the
// Unigram model. Expected values come from Hugging Face `tokenizers` 0.23.3.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "text/graphemes.h"
#include "text/models/model.h"
#include "text/normalizers/normalizer.h"
#include "text/normalizers/precompiled.h"

namespace modelexport::text {
namespace {

const std::string kOrigin = "tokenizer.json";

// Built by sentencepiece from the rules a -> "xyz", d -> "", e U+0301 -> "E", U+FF21 -> "A".
const std::string kSmallCharsmap =
    "AAQAAACAAQBhDQAABQAAgAAAAIBkHQAAZTwDAMwAAgCBPQAAAwAAgLyIAgChBQAAAQAAgA0AAAAMAAAADwAAAA4AAAARAA"
    "AAEAAAABMAAAASAAAAFQAAABQAAAAXAAAAFgAAABkAAAAYAAAAGwAAABoAAAAdAAAAHAAAAB8AAAAeAAAAIQAAACAAAAAj"
    "AAAAIgAAACUAAAAkAAAAJwAAACYAAAApAAAAKAAAACsAAAAqAAAALQAAACwAAAAvAAAALgAAADEAAAAwAAAAMwAAADIAAA"
    "A1AAAANAAAADcAAAA2AAAAOQAAADgAAAA7AAAAOgAAAD0AAAA8AAAAPwAAAD4AAABBAAAAQAAAAEMAAABCAAAARQAAAEQA"
    "AABHAAAARgAAAEkAAABIAAAASwAAAEoAAABNAAAATAAAAE8AAABOAAAAUQAAAFAAAABTAAAAUgAAAFUAAABUAAAAVwAAAF"
    "YAAABZAAAAWAAAAFsAAABaAAAAXQAAAFwAAABfAAAAXgAAAGEAAABgAAAAYwAAAGIAAABlAAAAZAAAAGcAAABmAAAAaQAA"
    "AGgAAABrAAAAagAAAG0AAABsAAAAbwAAAG4AAABxAAAAcAAAAHMAAAByAAAAdQAAAHQAAAB3AAAAdgAAAHkAAAB4AAAAew"
    "AAAHoAAAB9AAAAfAAAAH8AAAB+"
    "AAAAgQAAAIAAAACDAAAAggAAAIUAAACEAAAAhwAAAIYAAACJAAAAiAAAAIsAAACKAAAAjQAAAIwAAACPAAAA7+"
    "gAAJEAAACQAAAAkwAAAJIAAACVAAAAlAAAAJcAAACWAAAAmQAAAJgAAACbAAAAmgAAAJ0AAACcAAAAnwAAAJ4AAAChAAAA"
    "oAAAAKMAAACiAAAApQAAAKQAAACnAAAApgAAAKkAAACoAAAAqwAAAKoAAACtAAAArAAAAK8AAACuAAAAsQAAALAAAACzAA"
    "AAsgAAALUAAAC0AAAAtwAAALYAAAC5AAAAuAAAALsAAAC6AAAAvQAAALwAAAC/"
    "AAAAvgAAAMEAAADAAAAAwwAAAMIAAADFAAAAxAAAAMcAAADGAAAAyQAAAMgAAADLAAAAygAAAM0AAADMAAAAzwAAAM4AAA"
    "DRAAAA0AAAANMAAADSAAAA1QAAANQAAADXAAAA1gAAANkAAADYAAAA2wAAANoAAADdAAAA3AAAAN8AAADeAAAA4QAAAOAA"
    "AADjAAAA4gAAAOUAAADkAAAA5wAAAOYAAADpAAAA6AAAAOsAAADqAAAA7QAAAOwAAADvAAAA7gAAAPEAAADwAAAA8wAAAP"
    "IAAAD1AAAA9AAAAPcAAAD2AAAA+QAAAPgAAAD7AAAA+gAAAP0AAAD8AAAA/wAAAP4AAAAAQQBFAHh5egA=";

struct Normalized {
  std::string text;
  std::vector<Offsets> alignments;
};

Normalized normalize(const nlohmann::json& config, const std::string& input) {
  auto normalizer = normalizer_from_json(JsonRef(config, "normalizer", kOrigin));
  NormalizedString n(input);
  normalizer->normalize(n);
  return {n.get(), n.alignments()};
}

nlohmann::json precompiled(const std::string& charsmap = kSmallCharsmap) {
  return {{"type", "Precompiled"}, {"precompiled_charsmap", charsmap}};
}

std::string error_of(const nlohmann::json& config) {
  try {
    normalizer_from_json(JsonRef(config, "normalizer", kOrigin));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

// Per normalized character: its original byte range.
std::vector<Offsets> char_alignments(const Normalized& n) {
  std::vector<Offsets> out;
  for (std::size_t pos = 0; pos < n.text.size();) {
    out.push_back(n.alignments[pos]);
    pos += utf8_length(static_cast<unsigned char>(n.text[pos]));
  }
  return out;
}

TEST(UnicodeForms, ComposeAndDecompose) {
  const nlohmann::json nfc = {{"type", "NFC"}};
  const nlohmann::json nfkc = {{"type", "NFKC"}};
  const nlohmann::json nfkd = {{"type", "NFKD"}};
  EXPECT_EQ(normalize(nfc, "e\u0301").text, "\u00e9");
  EXPECT_EQ(normalize(nfc, "\u1100\u1161\u11a8").text, "\uac01");  // Hangul L V T
  EXPECT_EQ(normalize(nfc, "\u212b").text, "\u00c5");              // singleton
  EXPECT_EQ(normalize(nfc, "a\u0323\u0302").text, "\u1ead");       // reordered, then composed
  EXPECT_EQ(normalize(nfc, "\ufb01").text, "\ufb01");
  EXPECT_EQ(normalize(nfkc, "\ufb01").text, "fi");
  EXPECT_EQ(normalize(nfkc, "\uff21\u0301").text, "\u00c1");
  EXPECT_EQ(normalize(nfkd, "\u00bd").text, "1\u20442");
  EXPECT_EQ(normalize(nfkd, "\uac01").text, "\u1100\u1161\u11a8");
}

TEST(UnicodeForms, AlignmentsFollowTheCrateChanges) {
  // tokenizers' own test: NFKC("ﬁ") has both characters aligned to the ligature.
  const Normalized n = normalize({{"type", "NFKC"}}, "\ufb01");
  EXPECT_EQ(n.alignments, (std::vector<Offsets>{{0, 3}, {0, 3}}));
  // A composed character keeps the alignment of its starter (change -1 replaces it and
  // removes the mark).
  const Normalized c = normalize({{"type", "NFC"}}, "xe\u0301y");
  EXPECT_EQ(char_alignments(c), (std::vector<Offsets>{{0, 1}, {1, 2}, {4, 5}}));
}

TEST(Nmt, DropsControlsAndMapsSpaces) {
  const nlohmann::json nmt = {{"type", "Nmt"}};
  EXPECT_EQ(normalize(nmt,
                      "a\x01"
                      "b\tc\u200bd\u2581e\x7f")
                .text,
            "ab c d e");
  EXPECT_EQ(normalize(nmt, std::string("a\0b", 3)).text, std::string("a\0b", 3));  // kept
  EXPECT_EQ(normalize(nmt, "\u0085\u008f").text, "\u0085");
}

TEST(Graphemes, ExtendedClusters) {
  auto clusters = [](const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t pos = 0; pos < s.size();) {
      const std::size_t end = grapheme_end(s, pos);
      out.push_back(s.substr(pos, end - pos));
      pos = end;
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(clusters("e\u0301x"), (V{"e\u0301", "x"}));
  EXPECT_EQ(clusters("\r\n\n"), (V{"\r\n", "\n"}));
  EXPECT_EQ(clusters("\U0001F1EF\U0001F1F5\U0001F1FA"),
            (V{"\U0001F1EF\U0001F1F5", "\U0001F1FA"}));  // regional indicator pairs
  EXPECT_EQ(clusters("\U0001F468\u200d\U0001F469!"), (V{"\U0001F468\u200d\U0001F469", "!"}));
  EXPECT_EQ(clusters("a\u200d\U0001F469"), (V{"a\u200d", "\U0001F469"}));  // no GB11 after "a"
  EXPECT_EQ(clusters("\u0600a b"), (V{"\u0600a", " ", "b"}));              // prepend
  EXPECT_EQ(clusters("\u1100\u1161\u11a8\uac00"), (V{"\u1100\u1161\u11a8", "\uac00"}));
}

TEST(Precompiled, ShortestRuleReplacesTheWholeCluster) {
  EXPECT_EQ(normalize(precompiled(), "bab").text, "bxyzb");
  EXPECT_EQ(normalize(precompiled(), "e\u0301b").text, "Eb");
  EXPECT_EQ(normalize(precompiled(), "\uff21\u0301").text, "A");  // U+0301 swallowed
  EXPECT_EQ(normalize(precompiled(), "a\u0301").text, "xyz");
  EXPECT_EQ(normalize(precompiled(), "ccc").text, "ccc");
}

TEST(Precompiled, AlignmentsMatchTheReference) {
  // Offsets measured with tokenizers: extra new characters are insertions; a deletion is
  // charged to the character before it, and at the very start it is not charged at all.
  using V = std::vector<Offsets>;
  EXPECT_EQ(char_alignments(normalize(precompiled(), "bab")),
            (V{{0, 1}, {1, 2}, {1, 2}, {1, 2}, {2, 3}}));
  EXPECT_EQ(char_alignments(normalize(precompiled(), "bdb")), (V{{0, 1}, {2, 3}}));
  EXPECT_EQ(char_alignments(normalize(precompiled(), "adb")), (V{{0, 1}, {0, 1}, {1, 2}, {2, 3}}));
  EXPECT_EQ(char_alignments(normalize(precompiled(), "db")), (V{{0, 1}}));
}

TEST(Precompiled, MalformedCharsmapsAreErrors) {
  EXPECT_NE(error_of(precompiled("not base64!")).find("normalizer.precompiled_charsmap"),
            std::string::npos);
  EXPECT_NE(error_of(precompiled("AAA=")).find("cannot parse"), std::string::npos);
  // Trie size 16 bytes, 4 present.
  EXPECT_NE(error_of(precompiled("EAAAAAAAAAA=")).find("exceeds"), std::string::npos);
  // Normalized strings not UTF-8.
  EXPECT_NE(error_of(precompiled("AAAAAP8=")).find("UTF-8"), std::string::npos);
  EXPECT_NE(error_of({{"type", "Precompiled"}}).find("precompiled_charsmap"), std::string::npos);
}

TEST(Precompiled, GarbageTriesNeverReadOutOfBounds) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const std::size_t units = rng() % 64;
    std::string charsmap(4, '\0');
    const std::uint32_t size = static_cast<std::uint32_t>(units * 4);
    for (int i = 0; i < 4; ++i) charsmap[static_cast<std::size_t>(i)] = char(size >> (8 * i));
    for (std::size_t i = 0; i < units * 4; ++i) charsmap.push_back(static_cast<char>(rng()));
    charsmap += std::string("ab\0c\0", 5);
    const Precompiled p(charsmap);
    NormalizedString n("abc \u00e9\U0001F600 xyz");
    p.normalize(n);  // must neither crash nor throw
    for (int k = 0; k < 20; ++k) {
      std::string chunk;
      for (int j = 0; j < 6; ++j) chunk.push_back(static_cast<char>(rng()));
      (void)p.transform(chunk);
    }
  }
}

std::unique_ptr<Model> unigram(nlohmann::json vocab, nlohmann::json unk_id = 0,
                               bool byte_fallback = false) {
  const nlohmann::json config = {{"type", "Unigram"},
                                 {"unk_id", std::move(unk_id)},
                                 {"vocab", std::move(vocab)},
                                 {"byte_fallback", byte_fallback}};
  return model_from_json(JsonRef(config, "model", kOrigin));
}

nlohmann::json piece(const std::string& text, double score) {
  return nlohmann::json::array({text, score});
}

const nlohmann::json kVocab = nlohmann::json::array(
    {piece("<unk>", 0.0), piece("a", 0.0), piece("b", 0.0), piece("c", 0.0), piece("d", 0.0),
     piece("cd", 1.0), piece("ab", 2.0), piece("abc", 5.0), piece("abcd", 10.0)});

TEST(Unigram, BestSegmentationAndFusedUnknowns) {
  auto model = unigram(kVocab);
  std::vector<Token> tokens;
  model->tokenize("abcdacdxx", tokens);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].value, "abcd");
  EXPECT_EQ(tokens[0].id, 8u);
  EXPECT_EQ(tokens[1].value, "a");
  EXPECT_EQ(tokens[2].value, "cd");
  EXPECT_EQ(tokens[2].offsets, (Offsets{5, 7}));
  EXPECT_EQ(tokens[3].value, "xx");  // the text, with the unknown id
  EXPECT_EQ(tokens[3].id, 0u);
  EXPECT_EQ(tokens[3].offsets, (Offsets{7, 9}));
  EXPECT_EQ(model->token_to_id("abc"), 7u);
  EXPECT_EQ(model->id_to_token(5), "cd");
  EXPECT_EQ(model->token_to_id("zz"), std::nullopt);
  EXPECT_EQ(model->vocab_size(), 9u);
}

TEST(Unigram, ByteFallbackSplitsUnknownsIntoBytes) {
  nlohmann::json vocab = kVocab;
  vocab.push_back(piece("<0xC3>", -1.0));
  vocab.push_back(piece("<0xA9>", -1.0));
  auto model = unigram(vocab, 0, true);
  std::vector<Token> tokens;
  model->tokenize("a\u00e9", tokens);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].value, "<0xC3>");
  EXPECT_EQ(tokens[1].id, 9u);
  EXPECT_EQ(tokens[2].value, "<0xA9>");
  EXPECT_EQ(tokens[2].offsets, (Offsets{1, 3}));  // each byte covers the whole unknown run
  tokens.clear();
  model->tokenize("\u00e8", tokens);  // <0xA8> missing: the unknown token
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].id, 0u);
}

TEST(Unigram, Errors) {
  auto no_unk = unigram(kVocab, nullptr);
  std::vector<Token> tokens;
  EXPECT_THROW(no_unk->tokenize("x", tokens), std::invalid_argument);
  try {
    unigram(kVocab, 42);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("model: Unable to load vocab"), std::string::npos);
  }
  try {
    unigram(nlohmann::json::array({nlohmann::json::array({"a", "bad"})}));
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("model.vocab[0]"), std::string::npos);
  }
}

TEST(Unigram, DuplicatePiecesUseTheLastId) {
  auto model =
      unigram(nlohmann::json::array({piece("<unk>", 0.0), piece("a", -1.0), piece("a", -2.0)}));
  std::vector<Token> tokens;
  model->tokenize("a", tokens);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].id, 2u);
  EXPECT_EQ(model->token_to_id("a"), 2u);
}

}  // namespace
}  // namespace modelexport::text
