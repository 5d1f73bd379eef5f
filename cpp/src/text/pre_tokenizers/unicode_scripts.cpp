// UnicodeScripts pre-tokenizer, as tokenizers' pre_tokenizers/unicode_scripts. The script table
// is tokenizers' own (an old Unicode version), probed from the reference library by
// scripts/gen_unicode_scripts_table.py into unicode_scripts_table.inc.
#include "text/pre_tokenizers/unicode_scripts.h"

#include <algorithm>
#include <iterator>

#include "text/utf8.h"

namespace modelexport::text {
namespace {

struct ScriptRange {
  char32_t first;
  char32_t last;
  std::uint16_t script;
};

#include "text/pre_tokenizers/unicode_scripts_table.inc"

constexpr std::uint16_t kAny = 0;

}  // namespace

std::uint16_t script_class(char32_t c) {
  auto it = std::upper_bound(std::begin(kScriptRanges), std::end(kScriptRanges), c,
                             [](char32_t value, const ScriptRange& r) { return value < r.first; });
  if (it == std::begin(kScriptRanges)) return kAny;
  --it;
  return c <= it->last ? it->script : kAny;
}

std::unique_ptr<PreTokenizer> UnicodeScripts::from_json(const JsonRef& /*json*/) {
  return std::make_unique<UnicodeScripts>();
}

void UnicodeScripts::pre_tokenize(PreTokenizedString& text) const {
  text.split([](std::size_t, NormalizedString&& s) {
    // A piece starts at every character whose script differs from the last non-Any script
    // (the first non-Any character included); text before that first start is dropped, as in
    // tokenizers.
    const std::string& t = s.get();
    std::vector<std::size_t> starts;
    bool have_last = false;
    std::uint16_t last = kAny;
    for (std::size_t pos = 0; pos < t.size();) {
      const std::size_t start = pos;
      const std::uint16_t script = script_class(decode_utf8(t, pos));
      if (script == kAny) continue;
      if (!have_last || script != last) starts.push_back(start);
      have_last = true;
      last = script;
    }
    std::vector<NormalizedString> pieces;
    pieces.reserve(starts.size());
    for (std::size_t i = 0; i < starts.size(); ++i) {
      pieces.push_back(s.slice(starts[i], i + 1 < starts.size() ? starts[i + 1] : t.size()));
    }
    return pieces;
  });
}

}  // namespace modelexport::text
