// Oniguruma wrapper. The onig crate compiles with ONIG_OPTION_NONE, the UTF-8 encoding and
// ONIG_SYNTAX_DEFAULT (Oniguruma's own syntax); we do the same.
#include "text/regex.h"

#include <oniguruma.h>

#include <mutex>
#include <stdexcept>

#include "text/utf8.h"

namespace modelexport::text {
namespace {

void initialize_oniguruma() {
  static std::once_flag once;
  std::call_once(once, [] {
    OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
    onig_initialize(encodings, 1);
  });
}

struct RegionDeleter {
  void operator()(OnigRegion* region) const { onig_region_free(region, 1); }
};

const UChar* bytes(std::string_view text) { return reinterpret_cast<const UChar*>(text.data()); }

}  // namespace

struct Regex::Compiled {
  OnigRegex regex = nullptr;
  ~Compiled() {
    if (regex) onig_free(regex);
  }
};

Regex::Regex(std::string_view pattern)
    : pattern_(pattern), compiled_(std::make_unique<Compiled>()) {
  initialize_oniguruma();
  OnigErrorInfo info;
  const int status = onig_new(&compiled_->regex, bytes(pattern), bytes(pattern) + pattern.size(),
                              ONIG_OPTION_NONE, ONIG_ENCODING_UTF8, ONIG_SYNTAX_DEFAULT, &info);
  if (status != ONIG_NORMAL) {
    compiled_->regex = nullptr;
    UChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
    onig_error_code_to_str(message, status, &info);
    throw std::invalid_argument("invalid regex '" + pattern_ +
                                "': " + reinterpret_cast<const char*>(message));
  }
}

Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

std::vector<Offsets> Regex::find_all(std::string_view text) const {
  std::vector<Offsets> matches;
  std::unique_ptr<OnigRegion, RegionDeleter> region(onig_region_new());
  const UChar* begin = bytes(text);
  const UChar* end = begin + text.size();
  std::size_t search_from = 0;
  bool have_last_end = false;
  std::size_t last_match_end = 0;
  while (search_from <= text.size()) {
    onig_region_clear(region.get());
    const int found = onig_search(compiled_->regex, begin, end, begin + search_from, end,
                                  region.get(), ONIG_OPTION_NONE);
    if (found == ONIG_MISMATCH) break;
    if (found < 0) {
      UChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
      onig_error_code_to_str(message, found);
      throw std::runtime_error("regex '" + pattern_ +
                               "' failed: " + reinterpret_cast<const char*>(message));
    }
    const auto start = static_cast<std::size_t>(region->beg[0]);
    const auto stop = static_cast<std::size_t>(region->end[0]);
    if (start == stop && have_last_end && last_match_end == stop) {
      // Empty match right after the previous match: step over one character and retry.
      search_from += search_from < text.size()
                         ? utf8_length(static_cast<unsigned char>(text[search_from]))
                         : 1;
      continue;
    }
    matches.emplace_back(start, stop);
    search_from = stop;
    have_last_end = true;
    last_match_end = stop;
  }
  return matches;
}

std::vector<std::pair<Offsets, bool>> Regex::find_matches(std::string_view text) const {
  std::vector<std::pair<Offsets, bool>> parts;
  if (text.empty()) {
    parts.push_back({{0, 0}, false});
    return parts;
  }
  std::size_t previous = 0;
  for (const Offsets& match : find_all(text)) {
    if (previous != match.first) parts.push_back({{previous, match.first}, false});
    parts.push_back({match, true});
    previous = match.second;
  }
  if (previous != text.size()) parts.push_back({{previous, text.size()}, false});
  return parts;
}

std::vector<std::pair<Offsets, bool>> find_literal_matches(std::string_view text,
                                                           std::string_view literal) {
  std::vector<std::pair<Offsets, bool>> parts;
  if (literal.empty()) {
    parts.push_back({{0, text.size()}, false});
    return parts;
  }
  std::size_t previous = 0;
  for (std::size_t at = text.find(literal); at != std::string_view::npos;
       at = text.find(literal, at + literal.size())) {
    if (previous != at) parts.push_back({{previous, at}, false});
    parts.push_back({{at, at + literal.size()}, true});
    previous = at + literal.size();
  }
  if (previous != text.size() || parts.empty()) parts.push_back({{previous, text.size()}, false});
  return parts;
}

}  // namespace modelexport::text
