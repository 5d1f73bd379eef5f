// Precompiled normalizer. Quirks kept on purpose, because tokenizers has them:
// - the text is walked by extended grapheme clusters; a cluster shorter than 6 bytes is first
//   looked up whole, and the *shortest* rule matching a prefix of it replaces the whole cluster
//   (so "a" + U+0301 becomes the replacement of "a" alone when "a" has a rule);
// - otherwise each character is looked up on its own;
// - new characters replace the old ones one by one, extra new characters are insertions, and
//   extra old characters are removed through the last character emitted so far, even one of an
//   earlier cluster (measured against the reference: that is what its offsets show).
// Lookups never read outside the charsmap, whatever its contents.
#include "text/normalizers/precompiled.h"

#include <array>
#include <stdexcept>

#include "text/graphemes.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

// RFC 4648 base64 with padding, strict like Rust's base64 STANDARD engine.
std::optional<std::string> decode_base64(std::string_view text) {
  static const std::array<std::int8_t, 256> kDigits = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
      t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return t;
  }();
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t padding = 0;
    if (last && text[i + 3] == '=') padding = text[i + 2] == '=' ? 2 : 1;
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      if (j >= 4 - padding) {
        v <<= 6;
        continue;
      }
      const std::int8_t d = kDigits[static_cast<unsigned char>(text[i + j])];
      if (d < 0) return std::nullopt;
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    // Non-canonical trailing bits are an error for the reference decoder too.
    if ((padding == 1 && (v & 0xFF) != 0) || (padding == 2 && (v & 0xFFFF) != 0)) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(v >> 16));
    if (padding < 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (padding < 1) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

// Darts-clone unit fields.
inline bool has_leaf(std::uint32_t unit) { return (unit >> 8) & 1; }
inline std::uint32_t leaf_value(std::uint32_t unit) { return unit & 0x7FFFFFFFu; }
inline std::uint32_t label(std::uint32_t unit) { return unit & (0x80000000u | 0xFFu); }
inline std::size_t offset(std::uint32_t unit) {
  return static_cast<std::size_t>(unit >> 10) << ((unit & (1u << 9)) >> 6);
}

}  // namespace

Precompiled::Precompiled(std::string_view charsmap) {
  auto read_u32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      v |= static_cast<std::uint32_t>(static_cast<unsigned char>(charsmap[at + i])) << (8 * i);
    }
    return v;
  };
  if (charsmap.size() < 4) throw std::invalid_argument("too short for its trie size");
  const std::size_t trie_units = read_u32(0) / 4;
  if (trie_units > (charsmap.size() - 4) / 4) {
    throw std::invalid_argument("trie size " + std::to_string(read_u32(0)) + " exceeds the data (" +
                                std::to_string(charsmap.size() - 4) + " bytes)");
  }
  units_.reserve(trie_units);
  for (std::size_t i = 0; i < trie_units; ++i) units_.push_back(read_u32(4 + 4 * i));
  normalized_ = std::string(charsmap.substr(4 + 4 * trie_units));
  if (!is_valid_utf8(normalized_)) {
    throw std::invalid_argument("normalized strings are not valid UTF-8");
  }
  for (std::size_t byte = 0; byte < ascii_rules_.size(); ++byte) {
    const char c = static_cast<char>(byte);
    if (auto rule = transform(std::string_view(&c, 1))) {
      ascii_rules_[byte] =
          std::pair{static_cast<std::size_t>(rule->data() - normalized_.data()), rule->size()};
    }
  }
}

std::unique_ptr<Normalizer> Precompiled::from_json(const JsonRef& json) {
  const JsonRef field = json.at("precompiled_charsmap");
  auto bytes = decode_base64(field.as_string());
  if (!bytes) field.fail("invalid base64");
  try {
    return std::make_unique<Precompiled>(*bytes);
  } catch (const std::invalid_argument& e) {
    field.fail(std::string("cannot parse precompiled_charsmap: ") + e.what());
  }
}

std::optional<std::string_view> Precompiled::transform(std::string_view chunk) const {
  if (units_.empty()) return std::nullopt;
  std::size_t node = offset(units_[0]);
  for (const char ch : chunk) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) break;
    node ^= c;
    if (node >= units_.size()) return std::nullopt;
    const std::uint32_t unit = units_[node];
    if (label(unit) != c) return std::nullopt;
    node ^= offset(unit);
    if (has_leaf(unit)) {
      if (node >= units_.size()) return std::nullopt;
      const std::size_t start = leaf_value(units_[node]);
      // The reference panics on an index past the end or inside a character.
      if (start > normalized_.size()) return std::nullopt;
      if (start < normalized_.size() &&
          (static_cast<unsigned char>(normalized_[start]) & 0xC0) == 0x80) {
        return std::nullopt;
      }
      const std::size_t end = normalized_.find('\0', start);
      return std::string_view(normalized_)
          .substr(start, (end == std::string::npos ? normalized_.size() : end) - start);
    }
  }
  return std::nullopt;
}

void Precompiled::normalize(NormalizedString& text) const {
  const std::string& s = text.get();
  // Built from the first replacement on (most texts have none): the characters before it are
  // added unchanged then.
  std::vector<CharChange> changes;
  bool modified = false;
  auto keep = [&](char32_t c) {
    if (modified) changes.push_back({c, 0});
  };
  // `at`: byte offset of the first replaced character.
  auto push_replacement = [&](std::size_t at, std::string_view replacement, long old_count) {
    if (!modified) {
      changes.reserve(s.size() + 8);
      for (std::size_t p = 0; p < at;) changes.push_back({decode_utf8(s, p), 0});
      modified = true;
    }
    long new_count = 0;
    for (std::size_t p = 0; p < replacement.size(); ++new_count) {
      p += utf8_length(static_cast<unsigned char>(replacement[p]));
    }
    long i = 0;
    for (std::size_t p = 0; p < replacement.size(); ++i) {
      const char32_t c = decode_utf8(replacement, p);
      // The i-th new character replaces the i-th old one; extra new characters are inserted.
      changes.push_back({c, i < old_count ? 0 : 1});
    }
    // Extra old characters are removed by the last character emitted so far (possibly one of
    // an earlier cluster); at the very start there is none and they are not removed.
    if (new_count < old_count && !changes.empty()) changes.back().change -= old_count - new_count;
  };
  for (std::size_t start = 0; start < s.size();) {
    const auto byte = static_cast<unsigned char>(s[start]);
    if (byte < 0x80 && byte != '\r' &&
        (start + 1 == s.size() || static_cast<unsigned char>(s[start + 1]) < 0x80)) {
      // An ASCII character followed by another (or by nothing) is a grapheme of its own (only
      // CR LF joins); its rule is precomputed.
      if (const auto& rule = ascii_rules_[byte]) {
        push_replacement(start, std::string_view(normalized_).substr(rule->first, rule->second), 1);
      } else {
        keep(byte);
      }
      ++start;
      continue;
    }
    const std::size_t end = grapheme_end(s, start);
    const std::string_view grapheme(s.data() + start, end - start);
    const std::size_t grapheme_start = start;
    start = end;
    if (grapheme.size() < 6) {
      if (auto replacement = transform(grapheme)) {
        long old_count = 0;
        for (std::size_t p = 0; p < grapheme.size(); ++old_count) {
          p += utf8_length(static_cast<unsigned char>(grapheme[p]));
        }
        push_replacement(grapheme_start, *replacement, old_count);
        continue;
      }
    }
    for (std::size_t p = 0; p < grapheme.size();) {
      const std::size_t char_start = p;
      const char32_t c = decode_utf8(grapheme, p);
      if (auto replacement = transform(grapheme.substr(char_start, p - char_start))) {
        push_replacement(grapheme_start + char_start, *replacement, 1);
      } else {
        keep(c);
      }
    }
  }
  if (modified) text.transform(changes, 0);
}

}  // namespace modelexport::text
