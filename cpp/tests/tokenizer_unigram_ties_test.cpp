// Unigram ties: equal-score segmentations must resolve as tokenizers' Unigram resolves them
// (strict `>` while relaxing candidates left to right, shortest piece first, the unknown piece
// last), with scores read from tokenizer.json by serde_json's default number parser, which is
// not correctly rounded. Expected ids come from `tokenizers` 0.23.3 loading the same document
// with Tokenizer.from_file (tests/test_unigram_ties.py compares many random vocabularies live).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "modelexport/tokenizer.h"
#include "text/json_document.h"

namespace modelexport {
namespace {

using Ids = std::vector<std::int64_t>;

// A tokenizer.json holding only a Unigram model, as `tokenizers` saves one.
Tokenizer unigram(const std::vector<std::pair<std::string, std::string>>& vocab,
                  bool byte_fallback = false) {
  std::string doc = R"({"version":"1.0","model":{"type":"Unigram","unk_id":0,"vocab":[)";
  for (std::size_t i = 0; i < vocab.size(); ++i) {
    doc += std::string(i ? "," : "") + "[" + nlohmann::json(vocab[i].first).dump() + "," +
           vocab[i].second + "]";
  }
  doc += std::string("],\"byte_fallback\":") + (byte_fallback ? "true" : "false") + "}}";
  return Tokenizer::from_json_string(doc, "tokenizer.json");
}

Ids ids_of(const Tokenizer& tokenizer, const std::string& text) {
  return tokenizer.encode(text, std::nullopt, false).ids;
}

TEST(UnigramTies, EqualPiecesKeepTheFirstPathFound) {
  const Tokenizer t = unigram({{"<unk>", "0.0"}, {"a", "-1.0"}, {"aa", "-2.0"}});
  EXPECT_EQ(ids_of(t, "aaa"), (Ids{1, 2}));
  EXPECT_EQ(ids_of(t, "aaaa"), (Ids{2, 2}));
  EXPECT_EQ(ids_of(t, "aaaaa"), (Ids{1, 2, 2}));
}

TEST(UnigramTies, DifferentLengths) {
  const Tokenizer t = unigram({{"<unk>", "0.0"},
                               {"a", "-1.5"},
                               {"b", "-1.5"},
                               {"ab", "-3.0"},
                               {"abc", "-4.5"},
                               {"c", "-1.5"},
                               {"bc", "-3.0"}});
  EXPECT_EQ(ids_of(t, "abc"), (Ids{4}));
  EXPECT_EQ(ids_of(t, "abcabc"), (Ids{4, 4}));
  EXPECT_EQ(ids_of(t, "cab"), (Ids{5, 3}));
}

// The fresh-machine failure: "!!" is -10.241795539855957, which serde_json reads one ulp above
// the correctly rounded value, so "!! !!" beats "! !! !" although the decimal scores tie.
TEST(UnigramTies, TiesAfterSerdeRounding) {
  const Tokenizer t =
      unigram({{"<unk>", "0.0"}, {"!", "-7.915740013122559"}, {"!!", "-10.241795539855957"}});
  EXPECT_EQ(ids_of(t, "!!!"), (Ids{1, 2}));
  EXPECT_EQ(ids_of(t, "!!!!!"), (Ids{2, 2, 1}));
  EXPECT_EQ(ids_of(t, "!!!!!!!"), (Ids{2, 2, 1, 2}));
}

// "x" is unknown (score: lowest - 10 = -30); "x" + "a" ties with the piece "xa".
TEST(UnigramTies, UnknownPathsTieWithPieces) {
  const Tokenizer t =
      unigram({{"<unk>", "0.0"}, {"a", "10.0"}, {"z", "-20.0"}, {"xa", "-20.0"}, {"ax", "-20.0"}});
  EXPECT_EQ(ids_of(t, "xa"), (Ids{3}));
  EXPECT_EQ(ids_of(t, "ax"), (Ids{4}));
  EXPECT_EQ(ids_of(t, "axa"), (Ids{1, 3}));
  EXPECT_EQ(ids_of(t, "xxa"), (Ids{0, 3}));
  EXPECT_EQ(ids_of(t, "axxa"), (Ids{4, 3}));
}

TEST(UnigramTies, ByteFallbackPaths) {
  const Tokenizer t = unigram({{"<unk>", "0.0"},
                               {"a", "-2.0"},
                               {"<0x78>", "-1.0"},
                               {"<0x79>", "-1.0"},
                               {"xa", "-14.0"},
                               {"\xc3\xa9", "-3.0"}},
                              true);
  EXPECT_EQ(ids_of(t, "xa"), (Ids{4}));
  EXPECT_EQ(ids_of(t, "xya"), (Ids{2, 3, 1}));
  EXPECT_EQ(ids_of(t, "a\xc3\xa9x"), (Ids{1, 5, 2}));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The fixture and lines of the fresh-machine report (every Unigram fixture failed on them).
TEST(UnigramTies, FreshMachineRegression) {
  const std::string dir = std::string(MODELEXPORT_TEST_DATA_DIR) + "/unigram-viterbi-ties/";
  const Tokenizer t = Tokenizer::from_file(dir + "unigram-t5.tokenizer.json");
  const auto lines = nlohmann::json::parse(read_file(dir + "lines.json"));
  const auto expected = nlohmann::json::parse(read_file(dir + "expected_ids.json"));
  ASSERT_EQ(lines.size(), expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(t.encode(lines[i].get<std::string>()).ids, expected[i].get<Ids>()) << "line " << i;
  }
}

// serde_json's default parser, checked against values `tokenizers` exposes after loading.
TEST(SerdeJsonNumber, MatchesTheFastPathNotStrtod) {
  using text::serde_json_number;
  EXPECT_EQ(*serde_json_number("-10.241795539855957"), std::nextafter(-10.241795539855957, 0.0));
  EXPECT_EQ(*serde_json_number("-7.915740013122559"), -7.915740013122559);
  EXPECT_EQ(*serde_json_number("0.5"), 0.5);
  EXPECT_EQ(*serde_json_number("1e-7"), 1.0 / 1e7);
  EXPECT_EQ(*serde_json_number("-0.0"), 0.0);
  EXPECT_TRUE(std::signbit(*serde_json_number("-0.0")));
  EXPECT_EQ(*serde_json_number("18446744073709551616"), 18446744073709551616.0);
  EXPECT_EQ(*serde_json_number("1e-400"), 0.0);
  EXPECT_EQ(*serde_json_number("0e99999999999"), 0.0);
  EXPECT_FALSE(serde_json_number("1e309"));
  EXPECT_FALSE(serde_json_number("1e99999999999"));
  EXPECT_FALSE(serde_json_number("1."));
  EXPECT_FALSE(serde_json_number("abc"));
}

TEST(JsonDocument, NestingBeyondTokenizersLimitIsAnError) {
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
  };
  EXPECT_NO_THROW(text::parse_json_document(nested(text::kMaxJsonDepth), "x.json"));
  try {
    text::parse_json_document(nested(100000), "x.json");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("x.json: invalid JSON: nesting deeper than 127"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace modelexport
