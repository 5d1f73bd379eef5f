// Digits pre-tokenizer, as tokenizers' pre_tokenizers/digits.rs: {"individual_digits": bool}.
// The numeric property comes from numeric_table.inc, probed from the reference library by
// scripts/gen_unicode_scripts_table.py.
#include "text/pre_tokenizers/digits.h"

#include <algorithm>
#include <iterator>

namespace modelexport::text {
namespace {

struct CodePointRange {
  char32_t first;
  char32_t last;
};

#include "text/pre_tokenizers/numeric_table.inc"

}  // namespace

bool is_rust_numeric(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  auto it =
      std::upper_bound(std::begin(kNumericRanges), std::end(kNumericRanges), c,
                       [](char32_t value, const CodePointRange& r) { return value < r.first; });
  return it != std::begin(kNumericRanges) && c <= std::prev(it)->last;
}

std::unique_ptr<PreTokenizer> Digits::from_json(const JsonRef& json) {
  return std::make_unique<Digits>(json.bool_or("individual_digits", false));
}

void Digits::pre_tokenize(PreTokenizedString& text) const {
  const SplitBehavior behavior =
      individual_digits_ ? SplitBehavior::kIsolated : SplitBehavior::kContiguous;
  text.split([behavior](std::size_t, NormalizedString&& s) {
    return std::move(s).split(is_rust_numeric, behavior);
  });
}

}  // namespace modelexport::text
