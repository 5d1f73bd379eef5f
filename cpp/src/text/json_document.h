// JSON documents from packages, parsed with bounded nesting. tokenizer.json is parsed the way
// `tokenizers` parses it (serde_json with its default features), because two details of that
// parser change results, not just errors:
// * Numbers with a fraction or exponent are read by serde_json's fast path (significand as u64,
//   then one multiplication or division by a power of ten), which is not correctly rounded:
//   about one Unigram score in five is one ulp away from strtod's value, and Viterbi ties are
//   decided by those ulps.
// * Nesting deeper than serde_json's recursion limit is an error (limits::kMaxJsonDepth), which
//   also bounds the recursion of every component parser (Sequence of Sequence of ...) and of
//   every later copy or dump of the document.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "modelexport/limits.h"

namespace modelexport::text {

inline constexpr int kMaxJsonDepth = limits::kMaxJsonDepth;

// The value serde_json (default features) gives the JSON number `text`, or nullopt when it
// refuses it (out of range, or not a JSON number).
std::optional<double> serde_json_number(std::string_view text);

enum class JsonNumbers {
  kSerdeJson,         // as `tokenizers` reads them (tokenizer.json)
  kCorrectlyRounded,  // as Python's json and nlohmann read them (configs, metadata)
};

// Parses a whole JSON document; throws std::invalid_argument("<origin>: invalid JSON: ...").
template <class Json = nlohmann::json>
Json parse_json_document(std::string_view text, const std::string& origin,
                         JsonNumbers numbers = JsonNumbers::kSerdeJson);

extern template nlohmann::json parse_json_document<nlohmann::json>(std::string_view,
                                                                   const std::string&, JsonNumbers);
extern template nlohmann::ordered_json parse_json_document<nlohmann::ordered_json>(
    std::string_view, const std::string&, JsonNumbers);

}  // namespace modelexport::text
