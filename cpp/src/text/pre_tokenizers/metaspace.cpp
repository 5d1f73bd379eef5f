// Metaspace pre-tokenizer, as tokenizers' pre_tokenizers/metaspace.rs.
#include "text/pre_tokenizers/metaspace.h"

#include "text/normalizers/replace.h"
#include "text/pre_tokenizers/char_delimiter_split.h"
#include "text/utf8.h"

namespace modelexport::text {

MetaspaceOptions metaspace_options_from_json(const JsonRef& json) {
  MetaspaceOptions options;
  options.replacement = char_from_json(json.at("replacement"));
  if (auto scheme = json.find("prepend_scheme")) {
    const std::string name = scheme->as_string();
    if (name == "first") {
      options.prepend_scheme = PrependScheme::kFirst;
    } else if (name == "never") {
      options.prepend_scheme = PrependScheme::kNever;
    } else if (name == "always") {
      options.prepend_scheme = PrependScheme::kAlways;
    } else {
      scheme->fail("unknown prepend_scheme '" + name + "' (expected first, never or always)");
    }
  }
  // Older files only have add_prefix_space; false means "never", which tokenizers accepts only
  // when prepend_scheme (default "always") does not say otherwise.
  if (auto add_prefix_space = json.find("add_prefix_space")) {
    if (!add_prefix_space->as_bool()) {
      if (options.prepend_scheme != PrependScheme::kNever) {
        add_prefix_space->fail("add_prefix_space does not match declared prepend_scheme");
      }
    }
  }
  options.split = json.bool_or("split", true);
  if (auto str_rep = json.find("str_rep")) str_rep->as_string();  // legacy, ignored
  return options;
}

Metaspace::Metaspace(MetaspaceOptions options) : options_(options) {
  append_utf8(replacement_, options_.replacement);
}

std::unique_ptr<PreTokenizer> Metaspace::from_json(const JsonRef& json) {
  return std::make_unique<Metaspace>(metaspace_options_from_json(json));
}

void Metaspace::pre_tokenize(PreTokenizedString& text) const {
  const char32_t replacement = options_.replacement;
  text.split([&](std::size_t, NormalizedString&& s) {
    // Replacing one character by one character keeps every alignment: a map.
    if (s.get().find(' ') != std::string::npos) {
      s.map([replacement](char32_t c) { return c == U' ' ? replacement : c; });
    }
    const bool starts_with_replacement = s.get().compare(0, replacement_.size(), replacement_) == 0;
    if (!starts_with_replacement &&
        (options_.prepend_scheme == PrependScheme::kAlways ||
         (options_.prepend_scheme == PrependScheme::kFirst && s.offsets_original().first == 0))) {
      s.prepend(replacement_);
    }
    if (!options_.split) {
      std::vector<NormalizedString> whole;
      whole.push_back(std::move(s));
      return whole;
    }
    return std::move(s).split([replacement](char32_t c) { return c == replacement; },
                              SplitBehavior::kMergedWithNext);
  });
}

}  // namespace modelexport::text
