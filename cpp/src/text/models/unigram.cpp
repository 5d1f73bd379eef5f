// Unigram model, as tokenizers' models/unigram/model.rs. The search keeps, for every byte
// position, the best path ending there; candidates are relaxed in the reference's order
// (positions left to right, pieces shortest first, the unknown piece last) with the same strict
// comparison, so ties resolve identically.
#include "text/models/unigram.h"

#include <cstdio>
#include <limits>
#include <stdexcept>

namespace modelexport::text {
namespace {

constexpr double kUnkPenalty = 10.0;

struct Span {
  std::size_t start;
  std::size_t end;
  std::int32_t id;
};

struct BestPath {
  double score;
  std::int32_t start;  // -1: no path ends here yet
  std::int32_t id;
};

}  // namespace

Unigram::Unigram(std::vector<std::pair<std::string, double>> vocab,
                 std::optional<std::uint32_t> unk_id, bool byte_fallback)
    : unk_id_(unk_id), byte_fallback_(byte_fallback), cache_owner_(new_word_cache_owner()) {
  if (unk_id) {
    if (vocab.empty()) {
      throw std::invalid_argument("The vocabulary is empty but at least <unk> is needed");
    }
    if (*unk_id >= vocab.size()) {
      throw std::invalid_argument("The `unk_id` is larger than vocabulary size");
    }
  }
  if (vocab.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw std::invalid_argument("vocabulary too large");
  }
  double min_score = std::numeric_limits<double>::infinity();
  std::vector<std::pair<std::string, std::int32_t>> keys;
  keys.reserve(vocab.size());
  pieces_.reserve(vocab.size());
  scores_.reserve(vocab.size());
  for (auto& [piece, score] : vocab) {
    if (piece.empty()) empty_piece_id_ = static_cast<std::int32_t>(pieces_.size());
    keys.emplace_back(piece, static_cast<std::int32_t>(pieces_.size()));
    if (score < min_score) min_score = score;
    pieces_.push_back(std::move(piece));
    scores_.push_back(score);
  }
  unk_score_ = min_score - kUnkPenalty;
  trie_ = DoubleArray(std::move(keys));
  for (std::size_t b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", static_cast<unsigned>(b));
    byte_ids_[b] = trie_.find(name);
  }
}

std::unique_ptr<Model> Unigram::from_json(const JsonRef& json) {
  const JsonRef vocab_json = json.at("vocab");
  std::vector<std::pair<std::string, double>> vocab;
  for (const JsonRef& entry : vocab_json.elements()) {
    const nlohmann::json& e = entry.json();
    if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number()) {
      entry.fail("expected [piece, score]");
    }
    vocab.emplace_back(e[0].get<std::string>(), e[1].get<double>());
  }
  std::optional<std::uint32_t> unk_id;
  if (auto j = json.find("unk_id")) unk_id = j->as_uint32();
  const bool byte_fallback = json.bool_or("byte_fallback", false);
  try {
    return std::make_unique<Unigram>(std::move(vocab), unk_id, byte_fallback);
  } catch (const std::invalid_argument& e) {
    json.fail(std::string("Unable to load vocab: ") + e.what());
  }
}

void Unigram::tokenize(std::string_view piece, std::vector<Token>& out) const {
  if (piece.empty()) return;
  thread_local std::vector<Segment> segments;
  const std::uint64_t hash = Cache::hash(piece);
  if (!Cache::lookup(cache_owner_, piece, hash, segments)) {
    segments.clear();
    segment(piece, segments);
    Cache::insert(cache_owner_, piece, hash, segments);
  }
  for (const Segment& s : segments) {
    std::string value =
        s.is_byte ? pieces_[s.id] : std::string(piece.substr(s.start, s.end - s.start));
    out.push_back(Token{s.id, std::move(value), {s.start, s.end}});
  }
}

void Unigram::segment(std::string_view piece, std::vector<Segment>& out) const {
  const std::size_t size = piece.size();
  thread_local std::vector<BestPath> best;
  best.assign(size + 1, BestPath{0.0, -1, 0});

  for (std::size_t start = 0; start < size;) {
    const double base_score = best[start].score;
    const std::size_t char_len = utf8_length(static_cast<unsigned char>(piece[start]));
    bool has_single = false;
    trie_.common_prefix_search(piece.substr(start), [&](std::size_t length, std::int32_t id) {
      BestPath& target = best[start + length];
      const double candidate = scores_[static_cast<std::size_t>(id)] + base_score;
      if (target.start < 0 || candidate > target.score) {
        target = {candidate, static_cast<std::int32_t>(start), id};
      }
      if (length == char_len) has_single = true;
    });
    if (!has_single) {
      BestPath& target = best[std::min(start + char_len, size)];
      const double candidate = unk_score_ + base_score;
      if (target.start < 0 || candidate > target.score) {
        if (!unk_id_) {
          throw std::invalid_argument("Encountered an unknown token but `unk_id` is missing");
        }
        target = {candidate, static_cast<std::int32_t>(start), static_cast<std::int32_t>(*unk_id_)};
      }
    }
    start += char_len;
  }

  // Backtrack into pieces, last first; runs of unknowns are fused (id -1 marks a run).
  thread_local std::vector<Span> spans;
  spans.clear();
  const std::int32_t unk = unk_id_ ? static_cast<std::int32_t>(*unk_id_) : -1;
  std::size_t end = size;
  std::size_t run_end = 0;
  bool in_run = false;
  while (end > 0) {
    const BestPath& node = best[end];
    if (node.start < 0) throw std::logic_error("Unigram: no path covers the input");
    const auto start = static_cast<std::size_t>(node.start);
    if (node.id == unk) {
      if (!in_run) run_end = end;
      in_run = true;
    } else {
      if (in_run) spans.push_back({end, run_end, -1});
      in_run = false;
      spans.push_back({start, end, node.id});
    }
    end = start;
  }
  if (in_run) spans.push_back({0, run_end, -1});

  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    const std::size_t s = it->start;
    const std::size_t e = it->end;
    const std::string_view text = piece.substr(s, e - s);
    std::int32_t id = it->id;
    if (id < 0) {
      // An unknown run: it is looked up as a string, like every token in the reference.
      id = trie_.find(text);
      if (id < 0 && byte_fallback_) {
        bool all_bytes = true;
        for (const char b : text)
          all_bytes = all_bytes && byte_ids_[static_cast<unsigned char>(b)] >= 0;
        if (all_bytes) {
          for (const char b : text) {
            const std::int32_t byte_id = byte_ids_[static_cast<unsigned char>(b)];
            out.push_back(Segment{static_cast<std::uint32_t>(byte_id),
                                  static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(e),
                                  true});
          }
          continue;
        }
      }
      if (id < 0) id = unk;
    }
    out.push_back(Segment{static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(s),
                          static_cast<std::uint32_t>(e), false});
  }
}

std::optional<std::uint32_t> Unigram::token_to_id(std::string_view token) const {
  const std::int32_t id = token.empty() ? empty_piece_id_ : trie_.find(token);
  if (id < 0) return std::nullopt;
  return static_cast<std::uint32_t>(id);
}

std::optional<std::string_view> Unigram::id_to_token(std::uint32_t id) const {
  if (id >= pieces_.size()) return std::nullopt;
  return std::string_view(pieces_[id]);
}

}  // namespace modelexport::text
