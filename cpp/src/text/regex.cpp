// Oniguruma wrapper. The onig crate compiles with ONIG_OPTION_NONE, the UTF-8 encoding and
// ONIG_SYNTAX_DEFAULT (Oniguruma's own syntax); we do the same. The Oniguruma bundled in
// tokenizers may know a newer Unicode than the system one, so the property escapes of
// regex_properties.inc (\p{L}, \p{N}, \s, ...) are first rewritten into explicit classes of the
// code points tokenizers matches for them.
#include "text/regex.h"

#include <oniguruma.h>

#include <cstdio>
#include <map>
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

struct CodePointRange {
  char32_t first;
  char32_t last;
};

struct PropertyTable {
  const char* escape;
  std::vector<CodePointRange> ranges;
};

// Escape ("\\p{L}", "\\s", ...) -> the class (without brackets) tokenizers' Oniguruma means by it.
const std::map<std::string, std::string, std::less<>>& property_classes() {
  static const std::map<std::string, std::string, std::less<>> classes = [] {
    static const PropertyTable kTables[] = {
#include "text/regex_properties.inc"
    };
    std::map<std::string, std::string, std::less<>> built;
    char buffer[32];
    for (const PropertyTable& table : kTables) {
      std::string body;
      for (const CodePointRange& range : table.ranges) {
        std::snprintf(buffer, sizeof buffer, "\\x{%X}", static_cast<unsigned>(range.first));
        body += buffer;
        if (range.last != range.first) {
          std::snprintf(buffer, sizeof buffer, "-\\x{%X}", static_cast<unsigned>(range.last));
          body += buffer;
        }
      }
      built.emplace(table.escape, std::move(body));
    }
    return built;
  }();
  return classes;
}

// Replaces the escapes property_classes() knows by explicit classes (nested classes when inside
// [...], which Oniguruma unites); everything else is kept byte for byte.
std::string with_probed_properties(std::string_view pattern) {
  const auto& classes = property_classes();
  std::string out;
  out.reserve(pattern.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '\\' || i + 1 >= pattern.size()) {
      out += pattern[i];
      continue;
    }
    const char kind = pattern[i + 1];
    std::string key;
    bool negated = false;
    std::size_t consumed = 2;
    if ((kind == 'p' || kind == 'P') && i + 2 < pattern.size() && pattern[i + 2] == '{') {
      const std::size_t close = pattern.find('}', i + 3);
      if (close != std::string_view::npos) {
        key = "\\p" + std::string(pattern.substr(i + 2, close - i - 1));
        negated = kind == 'P';
        consumed = close - i + 1;
      }
    } else if (std::string_view("sSdDwW").find(kind) != std::string_view::npos) {
      key = std::string("\\") + static_cast<char>(kind | 0x20);
      negated = (kind & 0x20) == 0;
    }
    auto it = key.empty() ? classes.end() : classes.find(key);
    if (it == classes.end()) {
      out.append(pattern.substr(i, 2));  // keeps escaped characters (\\, \[, ...) intact
      i += 1;
      continue;
    }
    out += negated ? "[^" : "[";
    out += it->second;
    out += ']';
    i += consumed - 1;
  }
  return out;
}

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
  const std::string rewritten = with_probed_properties(pattern);
  OnigErrorInfo info;
  const int status =
      onig_new(&compiled_->regex, bytes(rewritten), bytes(rewritten) + rewritten.size(),
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
