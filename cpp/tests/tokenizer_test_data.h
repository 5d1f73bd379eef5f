// A tiny BERT-style tokenizer.json for the tokenizer tests: the real all-MiniLM-L6-v2 layout
// (BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing, WordPiece decoder) over a
// 30-token vocabulary. Expected values in the tests were checked against Hugging Face
// `tokenizers` with this same JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "modelexport/tokenizer.h"

namespace modelexport::testing {

inline nlohmann::json tiny_bert_json() {
  const char* vocab[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]",  "[MASK]", "hello", "world", ",",
                         "!",     "un",    "##aff", "##able", "the",    "cafe",  "你",    "好",
                         ".",     "'",     "s",     "##s",    "don",    "t",     "a",     "##b",
                         "is",    "?",     "n",     "##o",    "-",      "x"};
  nlohmann::json vocab_json = nlohmann::json::object();
  for (std::size_t i = 0; i < sizeof(vocab) / sizeof(vocab[0]); ++i) vocab_json[vocab[i]] = i;
  auto added = [](int id, const char* content) {
    return nlohmann::json{{"id", id},        {"content", content}, {"single_word", false},
                          {"lstrip", false}, {"rstrip", false},    {"normalized", false},
                          {"special", true}};
  };
  auto special = [](const char* id, int type_id) {
    return nlohmann::json{{"SpecialToken", {{"id", id}, {"type_id", type_id}}}};
  };
  auto sequence = [](const char* id, int type_id) {
    return nlohmann::json{{"Sequence", {{"id", id}, {"type_id", type_id}}}};
  };
  return nlohmann::json{{"version", "1.0"},
                        {"truncation", nullptr},
                        {"padding", nullptr},
                        {"added_tokens",
                         {added(0, "[PAD]"), added(1, "[UNK]"), added(2, "[CLS]"),
                          added(3, "[SEP]"), added(4, "[MASK]")}},
                        {"normalizer",
                         {{"type", "BertNormalizer"},
                          {"clean_text", true},
                          {"handle_chinese_chars", true},
                          {"strip_accents", nullptr},
                          {"lowercase", true}}},
                        {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
                        {"post_processor",
                         {{"type", "TemplateProcessing"},
                          {"single", {special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)}},
                          {"pair",
                           {special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0),
                            sequence("B", 1), special("[SEP]", 1)}},
                          {"special_tokens",
                           {{"[CLS]", {{"id", "[CLS]"}, {"ids", {2}}, {"tokens", {"[CLS]"}}}},
                            {"[SEP]", {{"id", "[SEP]"}, {"ids", {3}}, {"tokens", {"[SEP]"}}}}}}}},
                        {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
                        {"model",
                         {{"type", "WordPiece"},
                          {"unk_token", "[UNK]"},
                          {"continuing_subword_prefix", "##"},
                          {"max_input_chars_per_word", 100},
                          {"vocab", vocab_json}}}};
}

inline Tokenizer tiny_bert(const nlohmann::json& json = tiny_bert_json()) {
  return Tokenizer::from_json_string(json.dump());
}

}  // namespace modelexport::testing
