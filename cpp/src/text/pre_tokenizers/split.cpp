// Split pre-tokenizer, as tokenizers' pre_tokenizers/split.rs:
// {"pattern": {"String": "..."} | {"Regex": "..."}, "behavior": "Isolated", "invert": false}
// (all three members required, as in tokenizers).
#include "text/pre_tokenizers/split.h"

#include <stdexcept>

namespace modelexport::text {

SplitPreTokenizer::SplitPreTokenizer(std::optional<std::string> literal, std::optional<Regex> regex,
                                     SplitBehavior behavior, bool invert)
    : literal_(std::move(literal)), regex_(std::move(regex)), behavior_(behavior), invert_(invert) {
  if (!literal_ && !regex_) throw std::logic_error("SplitPreTokenizer: no pattern");
}

std::unique_ptr<PreTokenizer> SplitPreTokenizer::from_json(const JsonRef& json) {
  const JsonRef pattern = json.at("pattern");
  const auto members = pattern.members();
  if (members.size() != 1) pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
  const auto& [kind, value] = members.front();
  std::optional<std::string> literal;
  std::optional<Regex> regex;
  if (kind == "String") {
    literal = value.as_string();
    // tokenizers compiles the escaped string as a regex; an empty one matches the empty string
    // at every position (a split between every character), which the literal search does not.
    if (literal->empty()) {
      literal.reset();
      regex.emplace("");
    }
  } else if (kind == "Regex") {
    try {
      regex.emplace(value.as_string());
    } catch (const std::invalid_argument& e) {
      value.fail(e.what());
    }
  } else {
    pattern.fail("unknown pattern kind '" + kind + "' (expected String or Regex)");
  }
  const SplitBehavior behavior = split_behavior_from_json(json.at("behavior"));
  const bool invert = json.at("invert").as_bool();
  return std::make_unique<SplitPreTokenizer>(std::move(literal), std::move(regex), behavior,
                                             invert);
}

std::vector<std::pair<Offsets, bool>> SplitPreTokenizer::find_matches(std::string_view text) const {
  auto parts = literal_ ? find_literal_matches(text, *literal_) : regex_->find_matches(text);
  if (invert_) {
    for (auto& part : parts) part.second = !part.second;
  }
  return parts;
}

void SplitPreTokenizer::pre_tokenize(PreTokenizedString& text) const {
  text.split([this](std::size_t, NormalizedString&& s) {
    return std::move(s).split_matches(find_matches(s.get()), behavior_);
  });
}

}  // namespace modelexport::text
