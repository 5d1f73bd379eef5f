// TemplateProcessing, as tokenizers' processors/template.rs. Templates are read in the
// serialized form ([{"SpecialToken": {"id", "type_id"}}, {"Sequence": {"id", "type_id"}}]) or
// the Python constructor's string form ("[CLS] $A [SEP]", "$B:1", ...).
#include "text/post_processors/template_processing.h"

#include <algorithm>
#include <charconv>

namespace modelexport::text {
namespace {

using Piece = TemplateProcessing::Piece;

std::optional<std::uint32_t> parse_u32(std::string_view s) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "$A", "$B:1", "$1", "[CLS]:0" (tokenizers' Piece::try_from(String)).
std::optional<Piece> piece_from_string(std::string_view s) {
  std::string_view id = s;
  std::optional<std::uint32_t> type_id;
  if (auto colon = s.find(':'); colon != std::string_view::npos) {
    if (s.find(':', colon + 1) != std::string_view::npos) return std::nullopt;
    id = s.substr(0, colon);
    type_id = parse_u32(s.substr(colon + 1));
    if (!type_id) return std::nullopt;
  }
  Piece piece;
  if (!id.empty() && id[0] == '$') {
    piece.is_sequence = true;
    std::string_view rest = id.substr(1);
    if (rest.empty() || rest == "A" || rest == "a") {
      piece.sequence = 0;
    } else if (rest == "B" || rest == "b") {
      piece.sequence = 1;
    } else if (auto n = parse_u32(rest)) {
      piece.type_id = *n;
    } else {
      return std::nullopt;
    }
  } else {
    piece.special = std::string(id);
  }
  if (type_id) piece.type_id = *type_id;
  return piece;
}

Piece piece_from_json(const JsonRef& json) {
  if (json.json().is_string()) {
    auto piece = piece_from_string(json.as_string());
    if (!piece) json.fail("cannot build a template piece from \"" + json.as_string() + "\"");
    return *piece;
  }
  Piece piece;
  if (auto seq = json.find("Sequence")) {
    piece.is_sequence = true;
    const JsonRef id = seq->at("id");
    const std::string name = id.as_string();
    if (name == "A") {
      piece.sequence = 0;
    } else if (name == "B") {
      piece.sequence = 1;
    } else {
      id.fail("expected \"A\" or \"B\", got \"" + name + "\"");
    }
    piece.type_id = seq->at("type_id").as_uint32();
  } else if (auto special = json.find("SpecialToken")) {
    piece.special = special->at("id").as_string();
    piece.type_id = special->at("type_id").as_uint32();
  } else {
    json.fail("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
  }
  return piece;
}

std::vector<Piece> template_from_json(const JsonRef& json) {
  std::vector<Piece> pieces;
  if (json.json().is_string()) {
    const std::string text = json.as_string();
    std::size_t start = 0;
    while (true) {
      const std::size_t space = text.find(' ', start);
      const std::string part = text.substr(start, space - start);
      auto piece = piece_from_string(part);
      if (!piece) json.fail("cannot build a template piece from \"" + part + "\"");
      pieces.push_back(*piece);
      if (space == std::string::npos) break;
      start = space + 1;
    }
    return pieces;
  }
  for (const JsonRef& item : json.elements()) pieces.push_back(piece_from_json(item));
  return pieces;
}

}  // namespace

TemplateProcessing::TemplateProcessing(std::vector<Piece> single, std::vector<Piece> pair,
                                       std::map<std::string, SpecialToken> special_tokens)
    : single_(std::move(single)),
      pair_(std::move(pair)),
      special_tokens_(std::move(special_tokens)) {
  added_single_ = count_added(single_);
  added_pair_ = count_added(pair_);
}

std::size_t TemplateProcessing::count_added(const std::vector<Piece>& pieces) const {
  std::size_t n = 0;
  for (const Piece& p : pieces) {
    if (p.is_sequence) continue;
    auto it = special_tokens_.find(p.special);
    if (it != special_tokens_.end()) n += it->second.ids.size();
  }
  return n;
}

std::unique_ptr<PostProcessor> TemplateProcessing::from_json(const JsonRef& json) {
  std::map<std::string, SpecialToken> special_tokens;
  if (auto specials = json.find("special_tokens")) {
    for (const auto& [key, value] : specials->members()) {
      SpecialToken token;
      for (const JsonRef& id : value.at("ids").elements()) token.ids.push_back(id.as_uint32());
      for (const JsonRef& t : value.at("tokens").elements()) token.tokens.push_back(t.as_string());
      if (token.ids.size() != token.tokens.size()) {
        value.fail("ids and tokens must be of the same length");
      }
      special_tokens[key] = std::move(token);
    }
  }
  std::vector<Piece> single;
  std::vector<Piece> pair;
  JsonRef single_json = json.at("single");
  JsonRef pair_json = json.at("pair");
  single = template_from_json(single_json);
  pair = template_from_json(pair_json);
  // tokenizers would panic while encoding; refuse the file instead.
  for (const auto* which : {&single_json, &pair_json}) {
    const auto& pieces = which == &single_json ? single : pair;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (!pieces[i].is_sequence && !special_tokens.count(pieces[i].special)) {
        which->at(i).fail("special token '" + pieces[i].special + "' is not in special_tokens");
      }
    }
  }
  return std::make_unique<TemplateProcessing>(std::move(single), std::move(pair),
                                              std::move(special_tokens));
}

std::vector<EncodingData> TemplateProcessing::process_encodings(std::vector<EncodingData> encodings,
                                                                bool add_special_tokens) const {
  const std::vector<Piece>& pieces = encodings.size() == 2 ? pair_ : single_;
  // The encoding of sequence piece k, typed; moved out unless a later piece uses it again.
  auto take_sequence = [&](std::size_t k) {
    const Piece& piece = pieces[k];
    EncodingData& e = encodings[piece.sequence];
    e.set_type_ids(piece.type_id);
    e.set_sequence_id(piece.sequence);
    const bool used_later = std::any_of(
        pieces.begin() + static_cast<std::ptrdiff_t>(k) + 1, pieces.end(),
        [&piece](const Piece& p) { return p.is_sequence && p.sequence == piece.sequence; });
    return used_later ? EncodingData(e) : std::move(e);
  };
  const bool has_overflowing =
      std::any_of(encodings.begin(), encodings.end(),
                  [](const EncodingData& e) { return !e.overflowing.empty(); });
  std::vector<EncodingData> out;
  if (!has_overflowing) {
    // Without overflowing parts, merging the pieces is plain concatenation: build it in the
    // first sequence's encoding (its capacity has room for the special tokens).
    EncodingData merged;
    bool have_sequence = false;
    std::size_t specials_before = 0;  // special tokens placed before the first sequence
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      const Piece& piece = pieces[k];
      if (piece.is_sequence) {
        if (piece.sequence >= encodings.size()) continue;
        if (have_sequence) {
          merged.merge_with(take_sequence(k), false);
          continue;
        }
        EncodingData first = take_sequence(k);
        for (std::size_t j = 0; j < k; ++j) {
          const Piece& before = pieces[j];
          if (before.is_sequence || !add_special_tokens) continue;
          const SpecialToken& token = special_tokens_.at(before.special);
          first.insert_special(specials_before, token.ids, token.tokens, before.type_id);
          specials_before += token.ids.size();
        }
        merged = std::move(first);
        have_sequence = true;
      } else if (add_special_tokens && have_sequence) {
        const SpecialToken& token = special_tokens_.at(piece.special);
        merged.insert_special(merged.size(), token.ids, token.tokens, piece.type_id);
      }
    }
    if (!have_sequence && add_special_tokens) {  // a template without sequences
      for (const Piece& piece : pieces) {
        if (piece.is_sequence) continue;
        const SpecialToken& token = special_tokens_.at(piece.special);
        merged.insert_special(merged.size(), token.ids, token.tokens, piece.type_id);
      }
    }
    out.push_back(std::move(merged));
    return out;
  }
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const Piece& piece = pieces[k];
    if (piece.is_sequence) {
      if (piece.sequence < encodings.size()) out.push_back(take_sequence(k));
    } else if (add_special_tokens) {
      const SpecialToken& token = special_tokens_.at(piece.special);
      EncodingData e;
      e.insert_special(0, token.ids, token.tokens, piece.type_id);
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace modelexport::text
