// Pre-tokenizer registry: "type" -> from_json factory.
#include <map>
#include <string>

#include "text/pre_tokenizers/bert_pre_tokenizer.h"
#include "text/pre_tokenizers/byte_level.h"
#include "text/pre_tokenizers/char_delimiter_split.h"
#include "text/pre_tokenizers/digits.h"
#include "text/pre_tokenizers/fixed_length.h"
#include "text/pre_tokenizers/metaspace.h"
#include "text/pre_tokenizers/pre_tokenizer.h"
#include "text/pre_tokenizers/punctuation.h"
#include "text/pre_tokenizers/sequence.h"
#include "text/pre_tokenizers/split.h"
#include "text/pre_tokenizers/unicode_scripts.h"
#include "text/pre_tokenizers/whitespace.h"

namespace modelexport::text {

std::unique_ptr<PreTokenizer> pre_tokenizer_from_json(const JsonRef& json) {
  using Factory = std::unique_ptr<PreTokenizer> (*)(const JsonRef&);
  static const std::map<std::string, Factory, std::less<>> kRegistry = {
      {"BertPreTokenizer", &BertPreTokenizer::from_json},
      {"Punctuation", &Punctuation::from_json},
      {"Sequence", &PreTokenizerSequence::from_json},
      {"Whitespace", &Whitespace::from_json},
      {"WhitespaceSplit", &WhitespaceSplit::from_json},
      {"CharDelimiterSplit", &CharDelimiterSplit::from_json},
      {"ByteLevel", &ByteLevelPreTokenizer::from_json},
      {"Digits", &Digits::from_json},
      {"Split", &SplitPreTokenizer::from_json},
      {"FixedLength", &FixedLength::from_json},
      {"Metaspace", &Metaspace::from_json},
      {"UnicodeScripts", &UnicodeScripts::from_json},
  };
  const std::string type = json.type_tag();
  auto it = kRegistry.find(type);
  if (it == kRegistry.end()) json.at("type").fail("unknown pre-tokenizer '" + type + "'");
  return it->second(json);
}

SplitBehavior split_behavior_from_json(const JsonRef& json) {
  static const std::map<std::string, SplitBehavior, std::less<>> kNames = {
      {"Removed", SplitBehavior::kRemoved},
      {"Isolated", SplitBehavior::kIsolated},
      {"MergedWithPrevious", SplitBehavior::kMergedWithPrevious},
      {"MergedWithNext", SplitBehavior::kMergedWithNext},
      {"Contiguous", SplitBehavior::kContiguous},
  };
  const std::string name = json.as_string();
  auto it = kNames.find(name);
  if (it == kNames.end()) json.fail("unknown split behavior '" + name + "'");
  return it->second;
}

}  // namespace modelexport::text
