// AddedVocabulary, as tokenizers' tokenizer/added_vocabulary.rs.
#include "text/added_vocabulary.h"

#include <algorithm>

#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

char32_t last_char(std::string_view s) {
  std::size_t pos = s.size();
  do {
    --pos;
  } while (pos > 0 && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80);
  return decode_utf8(s, pos);
}

// Regex \w$ and ^\w.
bool ends_with_word(std::string_view s) {
  return !s.empty() && unicode::is_word_char(last_char(s));
}
bool starts_with_word(std::string_view s) {
  std::size_t pos = 0;
  return !s.empty() && unicode::is_word_char(decode_utf8(s, pos));
}

// Start of the trailing whitespace run (regex \s*$).
std::size_t space_leftmost_at_end(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0) {
    std::size_t pos = end;
    do {
      --pos;
    } while (pos > 0 && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80);
    std::size_t probe = pos;
    if (!unicode::is_whitespace(decode_utf8(s, probe))) break;
    end = pos;
  }
  return end;
}

// Length of the leading whitespace run (regex ^\s*).
std::size_t space_rightmost_at_start(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t next = pos;
    if (!unicode::is_whitespace(decode_utf8(s, next))) break;
    pos = next;
  }
  return pos;
}

}  // namespace

void AddedVocabulary::Trie::build(
    const std::vector<std::pair<std::string, std::uint32_t>>& patterns) {
  nodes.assign(1, Node{});
  first_bytes.fill(false);
  for (const auto& [pattern, id] : patterns) {
    if (pattern.empty()) continue;
    first_bytes[static_cast<unsigned char>(pattern[0])] = true;
    std::size_t node = 0;
    for (unsigned char b : pattern) {
      auto it = nodes[node].next.find(b);
      if (it == nodes[node].next.end()) {
        nodes.push_back(Node{});
        it = nodes[node].next.emplace(b, nodes.size() - 1).first;
      }
      node = it->second;
    }
    nodes[node].id = id;
  }
}

std::vector<std::tuple<std::size_t, std::size_t, std::uint32_t>> AddedVocabulary::Trie::find_all(
    std::string_view text) const {
  std::vector<std::tuple<std::size_t, std::size_t, std::uint32_t>> out;
  if (empty()) return out;
  std::size_t start = 0;
  while (start < text.size()) {
    if (!first_bytes[static_cast<unsigned char>(text[start])]) {
      ++start;
      continue;
    }
    std::optional<std::pair<std::size_t, std::uint32_t>> longest;
    std::size_t node = 0;
    for (std::size_t i = start; i < text.size(); ++i) {
      auto it = nodes[node].next.find(static_cast<unsigned char>(text[i]));
      if (it == nodes[node].next.end()) break;
      node = it->second;
      if (nodes[node].id) longest = {i + 1, *nodes[node].id};
    }
    if (longest) {
      out.emplace_back(start, longest->first, longest->second);
      start = longest->first;
    } else {
      ++start;
    }
  }
  return out;
}

void AddedVocabulary::add_tokens(const std::vector<AddedToken>& tokens, const Model& model,
                                 const Normalizer* normalizer) {
  const auto model_size = static_cast<std::uint32_t>(model.vocab_size());
  std::uint32_t next_id = model_size;
  if (!by_id_.empty()) {
    const std::uint32_t max = by_id_.rbegin()->first;
    next_id = (max >= model_size || model_size == 0) ? max + 1 : model_size;
  }
  for (const AddedToken& token : tokens) {
    if (token.content.empty()) continue;
    if (auto it = by_content_.find(token.content); it != by_content_.end()) {
      auto existing = by_id_.find(it->second);
      if (existing != by_id_.end() && existing->second == token) continue;
    }
    std::uint32_t id;
    if (auto known = token_to_id(token.content)) {
      id = *known;
    } else if (auto in_model = model.token_to_id(token.content)) {
      id = *in_model;
    } else {
      id = next_id++;
    }
    if (token.normalized && normalizer != nullptr) {
      NormalizedString s(token.content);
      normalizer->normalize(s);
      if (s.get() != token.content) normalized_content_[id] = s.get();
    }
    by_content_[token.content] = id;
    if (token.special) special_.insert(token.content);
    by_id_[id] = token;
  }
  refresh();
}

void AddedVocabulary::refresh() {
  std::vector<std::pair<std::string, std::uint32_t>> raw;
  std::vector<std::pair<std::string, std::uint32_t>> normalized;
  for (const auto& [id, token] : by_id_) {
    if (token.normalized) {
      auto it = normalized_content_.find(id);
      normalized.emplace_back(it != normalized_content_.end() ? it->second : token.content, id);
    } else {
      raw.emplace_back(token.content, id);
    }
  }
  raw_trie_.build(raw);
  normalized_trie_.build(normalized);
}

std::vector<Split> AddedVocabulary::split_with_matches(NormalizedString text,
                                                       const Trie& trie) const {
  const std::string& sentence = text.get();
  // (id, byte range) covering the whole sentence.
  std::vector<std::pair<std::optional<std::uint32_t>, Offsets>> pieces;
  if (sentence.empty()) {
    pieces.push_back({std::nullopt, {0, 0}});
  } else if (trie.empty()) {
    pieces.push_back({std::nullopt, {0, sentence.size()}});
  } else {
    std::size_t start_offset = 0;
    for (auto [start, stop, id] : trie.find_all(sentence)) {
      const AddedToken& token = by_id_.at(id);
      const std::string_view view(sentence);
      if (token.single_word) {
        const bool start_space = start == 0 || !ends_with_word(view.substr(0, start));
        const bool stop_space = stop == view.size() || !starts_with_word(view.substr(stop));
        if (!start_space || !stop_space) continue;
      }
      if (token.lstrip) {
        start = std::max(space_leftmost_at_end(view.substr(0, start)), start_offset);
      }
      if (token.rstrip) stop += space_rightmost_at_start(view.substr(stop));
      if (start_offset < start) pieces.push_back({std::nullopt, {start_offset, start}});
      pieces.push_back({id, {start, stop}});
      start_offset = stop;
    }
    if (start_offset != sentence.size()) {
      pieces.push_back({std::nullopt, {start_offset, sentence.size()}});
    }
  }
  std::vector<Split> out;
  out.reserve(pieces.size());
  for (const auto& [id, range] : pieces) {
    NormalizedString slice = pieces.size() == 1
                                 ? std::move(text).take_slice(range.first, range.second)
                                 : text.slice(range.first, range.second);
    if (id) {
      std::string value = slice.get();
      const std::size_t length = value.size();
      out.push_back(
          Split{std::move(slice), std::vector<Token>{Token{*id, std::move(value), {0, length}}}});
    } else {
      out.push_back(Split{std::move(slice), std::nullopt});
    }
  }
  return out;
}

PreTokenizedString AddedVocabulary::extract_and_normalize(const Normalizer* normalizer,
                                                          std::string text) const {
  PreTokenizedString pre_tokenized(std::move(text));
  pre_tokenized.split([this](std::size_t, NormalizedString&& s) {
    return split_with_matches(std::move(s), raw_trie_);
  });
  pre_tokenized.split([this, normalizer](std::size_t, NormalizedString&& s) {
    if (normalizer != nullptr) normalizer->normalize(s);
    return split_with_matches(std::move(s), normalized_trie_);
  });
  return pre_tokenized;
}

std::optional<std::uint32_t> AddedVocabulary::token_to_id(std::string_view token) const {
  auto it = by_content_.find(std::string(token));
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> AddedVocabulary::id_to_token(std::uint32_t id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  auto normalized = normalized_content_.find(id);
  return normalized != normalized_content_.end() ? normalized->second : it->second.content;
}

std::size_t AddedVocabulary::count_not_in(const Model& model) const {
  std::size_t n = 0;
  for (const auto& [content, id] : by_content_) n += model.token_to_id(content) ? 0 : 1;
  return n;
}

bool AddedVocabulary::is_special_token(std::string_view token) const {
  return special_.find(token) != special_.end();
}

}  // namespace modelexport::text
