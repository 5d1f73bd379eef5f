// tokenizer.json is parsed the way `tokenizers` parses it (serde_json with its default
// features), because two details of that parser change results, not just errors:
// * Numbers with a fraction or exponent are read by serde_json's fast path (significand as u64,
//   then one multiplication or division by a power of ten), which is not correctly rounded:
//   about one Unigram score in five is one ulp away from strtod's value, and Viterbi ties are
//   decided by those ulps.
// * Nesting deeper than serde_json's recursion limit (128) is an error, which also bounds the
//   recursion of every component parser below (Sequence of Sequence of ...).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace modelexport::text {

// serde_json's recursion limit: a container that would be the 128th nested one is refused.
inline constexpr int kMaxJsonDepth = 127;

// The value serde_json (default features) gives the JSON number `text`, or nullopt when it
// refuses it (out of range, or not a JSON number).
std::optional<double> serde_json_number(std::string_view text);

// Parses a whole JSON document as above; throws std::invalid_argument("<origin>: ...").
nlohmann::json parse_json_document(std::string_view text, const std::string& origin);

}  // namespace modelexport::text
