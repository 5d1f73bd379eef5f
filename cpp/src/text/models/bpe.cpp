// BPE model, as tokenizers' models/bpe/{model,word,serialization}.rs:
// {"type": "BPE", "vocab": {token: id}, "merges": ["a b", ...] | [["a", "b"], ...],
//  "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
//  "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false}
#include "text/models/bpe.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <stdexcept>

#include "text/models/word_cache.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

// A merge that names (or makes) a token outside the vocabulary; `index` is the merge's position.
struct BadMerge : std::invalid_argument {
  BadMerge(std::size_t at, const std::string& message)
      : std::invalid_argument(message), index(at) {}
  std::size_t index;
};

constexpr std::uint32_t kNoRank = 0xFFFFFFFFu;

// A merge candidate in the queue: lowest rank first, then leftmost.
struct Candidate {
  std::uint32_t rank;
  std::uint32_t pos;
  std::uint32_t new_id;
};
struct LowerPriority {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
  }
};

// One symbol of the word being merged (tokenizers' word.rs Symbol); len 0 marks a symbol
// merged into its left neighbour.
struct Symbol {
  std::uint32_t id;
  std::int32_t prev;
  std::int32_t next;
  std::uint32_t len;
};

// Per-thread buffers reused across calls, so that merging allocates nothing in steady state.
struct Scratch {
  std::vector<Symbol> symbols;
  std::vector<Candidate> queue;
  std::vector<BPE::Piece> pieces;
  std::string text;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

std::string byte_token(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "<0x%02X>", byte);
  return buffer;
}

}  // namespace

// (left id, right id) -> (rank, merged id): open addressing with linear probing.
struct BPE::MergeTable {
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t rank = kNoRank;  // kNoRank marks an empty slot
    std::uint32_t new_id = 0;
  };
  std::vector<Slot> slots;
  std::uint64_t mask = 0;

  explicit MergeTable(std::size_t count) {
    std::size_t size = 16;
    while (size < count * 2) size *= 2;
    slots.resize(size);
    mask = size - 1;
  }
  static std::uint64_t key_of(std::uint32_t a, std::uint32_t b) {
    return (static_cast<std::uint64_t>(a) << 32) | b;
  }
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>(((key * 0x9E3779B97F4A7C15ull) >> 29) & mask);
  }
  // A later merge of the same pair replaces the earlier one (tokenizers collects into a map).
  void insert(std::uint32_t a, std::uint32_t b, std::uint32_t rank, std::uint32_t new_id) {
    const std::uint64_t key = key_of(a, b);
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
      Slot& s = slots[i];
      if (s.rank == kNoRank || s.key == key) {
        s = Slot{key, rank, new_id};
        return;
      }
    }
  }
  const Slot* find(std::uint32_t a, std::uint32_t b) const {
    const std::uint64_t key = key_of(a, b);
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
      const Slot& s = slots[i];
      if (s.rank == kNoRank) return nullptr;
      if (s.key == key) return &s;
    }
  }
};

// Merged words of up to 62 bytes (byte-level text doubles non-ASCII) and 16 pieces; 8192 slots.
class BPE::Cache : public WordCache<BPE::Piece, 62, 16, 13> {};

BPE::BPE(const std::vector<std::pair<std::string, std::uint32_t>>& vocab,
         const std::vector<std::pair<std::string, std::string>>& merges, BPEOptions options)
    : options_(std::move(options)), instance_(new_word_cache_owner()) {
  std::size_t total = 0;
  std::uint32_t max_id = 0;
  for (const auto& [token, id] : vocab) {
    total += token.size();
    max_id = std::max(max_id, id);
  }
  arena_.reserve(total);  // never grows again: the views below stay valid
  vocab_.reserve(vocab.size());
  const bool dense = !vocab.empty() && max_id < 4 * vocab.size() + 1024;
  if (dense) {
    vocab_r_dense_.resize(std::size_t{max_id} + 1);
    has_id_.resize(std::size_t{max_id} + 1);
  }
  for (const auto& [token, id] : vocab) {
    const std::size_t at = arena_.size();
    arena_.append(token);
    const std::string_view view(arena_.data() + at, token.size());
    vocab_[view] = id;
    if (dense) {
      vocab_r_dense_[id] = view;
      has_id_[id] = true;
    } else {
      vocab_r_sparse_[id] = view;
    }
  }

  merges_ = std::make_unique<MergeTable>(merges.size());
  const std::size_t prefix_len =
      options_.continuing_subword_prefix ? options_.continuing_subword_prefix->size() : 0;
  std::string merged;
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    auto lookup = [&](const std::string& token) {
      auto it = vocab_.find(token);
      if (it == vocab_.end()) {
        throw BadMerge(rank, "token '" + token + "' of the merge is not in the vocabulary");
      }
      return it->second;
    };
    const std::uint32_t a_id = lookup(a);
    const std::uint32_t b_id = lookup(b);
    // Like tokenizers, the right part loses prefix_len bytes (its continuing-subword prefix).
    if (b.size() < prefix_len) {
      throw BadMerge(rank, "token '" + b + "' is shorter than the continuing subword prefix");
    }
    merged.assign(a).append(b, prefix_len, std::string::npos);
    const std::uint32_t new_id = lookup(merged);
    merges_->insert(a_id, b_id, static_cast<std::uint32_t>(rank), new_id);
  }

  if (options_.unk_token) {
    if (auto it = vocab_.find(*options_.unk_token); it != vocab_.end()) unk_id_ = it->second;
  }
  for (unsigned b = 0; b < 256; ++b) {
    auto it = vocab_.find(byte_token(static_cast<unsigned char>(b)));
    byte_ids_[b] = it == vocab_.end() ? -1 : std::int64_t{it->second};
  }
  char_ids_.assign(std::size_t{kFastChars} * 4, -1);
  std::string s;
  for (char32_t c = 0; c < kFastChars; ++c) {
    for (unsigned variant = 0; variant < 4; ++variant) {
      s.clear();
      if ((variant & 1) && options_.continuing_subword_prefix) {
        s += *options_.continuing_subword_prefix;
      }
      append_utf8(s, c);
      if ((variant & 2) && options_.end_of_word_suffix) s += *options_.end_of_word_suffix;
      if (auto it = vocab_.find(s); it != vocab_.end()) char_ids_[c * 4 + variant] = it->second;
    }
  }
}

BPE::~BPE() = default;

std::unique_ptr<Model> BPE::from_json(const JsonRef& json) {
  const auto vocab = vocab_from_json(json.at("vocab"));

  // Either every merge is a pair ["a", "b"] or every merge is a string "a b" (lines starting
  // with "#version" skipped, as in a merges.txt file).
  const JsonRef merges_json = json.at("merges");
  const std::vector<JsonRef> items = merges_json.elements();
  std::vector<std::pair<std::string, std::string>> merges;
  std::vector<std::size_t> source_index;  // merge rank -> position in the JSON array
  merges.reserve(items.size());
  const bool pairs = std::all_of(items.begin(), items.end(), [](const JsonRef& item) {
    const nlohmann::json& j = item.json();
    return j.is_array() && j.size() == 2 && j[0].is_string() && j[1].is_string();
  });
  for (std::size_t i = 0; i < items.size(); ++i) {
    const JsonRef& item = items[i];
    if (pairs) {
      merges.emplace_back(item.json()[0].get<std::string>(), item.json()[1].get<std::string>());
    } else {
      if (!item.json().is_string()) {
        item.fail(
            "expected every merge to be a string \"a b\" or every merge a pair [\"a\", \"b\"]");
      }
      const std::string line = item.json().get<std::string>();
      if (line.rfind("#version", 0) == 0) continue;
      const std::size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
        item.fail("expected a merge \"a b\" (two tokens separated by one space)");
      }
      merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
    source_index.push_back(i);
  }

  BPEOptions options;
  auto optional_string = [&](std::string_view key) -> std::optional<std::string> {
    if (auto j = json.find(key)) return j->as_string();
    return std::nullopt;
  };
  options.unk_token = optional_string("unk_token");
  options.continuing_subword_prefix = optional_string("continuing_subword_prefix");
  options.end_of_word_suffix = optional_string("end_of_word_suffix");
  options.fuse_unk = json.optional_bool("fuse_unk").value_or(false);
  options.byte_fallback = json.optional_bool("byte_fallback").value_or(false);
  options.ignore_merges = json.optional_bool("ignore_merges").value_or(false);
  if (auto dropout = json.find("dropout")) {
    if (!dropout->json().is_number()) dropout->fail("expected a number or null");
    const double p = dropout->json().get<double>();
    if (!(p >= 0.0 && p <= 1.0)) dropout->fail("dropout should be between 0 and 1, inclusive");
    if (p == 1.0) {
      options.drop_all_merges = true;
    } else if (p > 0.0) {
      dropout->fail(
          "BPE dropout between 0 and 1 (exclusive) drops merges at random; it is not "
          "supported (use null or 0 for inference)");
    }
  }
  try {
    return std::make_unique<BPE>(vocab, merges, std::move(options));
  } catch (const BadMerge& e) {
    merges_json.at(source_index[e.index]).fail(e.what());
  }
}

std::optional<std::uint32_t> BPE::char_id(std::string_view word, std::size_t start, std::size_t end,
                                          std::string& scratch_text) const {
  const bool with_prefix = start > 0 && options_.continuing_subword_prefix;
  const bool with_suffix = end == word.size() && options_.end_of_word_suffix;
  std::size_t pos = start;
  const char32_t c = decode_utf8(word, pos);
  if (c < kFastChars) {
    const std::int64_t id = char_ids_[c * 4 + (with_prefix ? 1 : 0) + (with_suffix ? 2 : 0)];
    if (id < 0) return std::nullopt;
    return static_cast<std::uint32_t>(id);
  }
  scratch_text.clear();
  if (with_prefix) scratch_text += *options_.continuing_subword_prefix;
  scratch_text.append(word, start, end - start);
  if (with_suffix) scratch_text += *options_.end_of_word_suffix;
  auto it = vocab_.find(scratch_text);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

std::uint32_t BPE::unk_id() const {
  if (!unk_id_) {
    throw std::invalid_argument("BPE: unk_token '" + *options_.unk_token +
                                "' is not in the vocabulary");
  }
  return *unk_id_;
}

void BPE::merge_word(std::string_view word, std::vector<Piece>& pieces) const {
  Scratch& s = scratch();
  std::vector<Symbol>& symbols = s.symbols;
  symbols.clear();
  auto add = [&symbols](std::uint32_t id, std::size_t len) {
    const auto index = static_cast<std::int32_t>(symbols.size());
    if (!symbols.empty()) symbols.back().next = index;
    symbols.push_back(Symbol{id, index - 1, -1, static_cast<std::uint32_t>(len)});
  };

  // The pending unknown token (id, length), fused with the following unknowns when fuse_unk.
  bool have_unk = false;
  std::uint32_t unk = 0;
  std::size_t unk_len = 0;
  for (std::size_t start = 0; start < word.size();) {
    const std::size_t end = start + utf8_length(static_cast<unsigned char>(word[start]));
    const std::size_t byte_len = end - start;
    if (auto id = char_id(word, start, end, s.text)) {
      if (have_unk) add(unk, unk_len);
      have_unk = false;
      add(*id, byte_len);
      start = end;
      continue;
    }
    if (options_.byte_fallback) {
      // Every byte of the character *with* its prefix/suffix, each of length 1, as tokenizers
      // does; a pending unknown token stays pending (it comes after these).
      s.text.clear();
      if (start > 0 && options_.continuing_subword_prefix) {
        s.text += *options_.continuing_subword_prefix;
      }
      s.text.append(word, start, byte_len);
      if (end == word.size() && options_.end_of_word_suffix) s.text += *options_.end_of_word_suffix;
      const bool all_known = std::all_of(s.text.begin(), s.text.end(), [this](char b) {
        return byte_ids_[static_cast<unsigned char>(b)] >= 0;
      });
      if (all_known) {
        for (char b : s.text) {
          add(static_cast<std::uint32_t>(byte_ids_[static_cast<unsigned char>(b)]), 1);
        }
        start = end;
        continue;
      }
    }
    if (options_.unk_token) {
      if (have_unk && options_.fuse_unk) {
        unk_len += byte_len;
      } else {
        if (have_unk) add(unk, unk_len);
        unk = unk_id();
        unk_len = byte_len;
        have_unk = true;
      }
    }
    // Without an unknown token the character is dropped.
    start = end;
  }
  if (have_unk) add(unk, unk_len);

  if (!options_.drop_all_merges) {
    // tokenizers' Word::merge_all.
    std::vector<Candidate>& queue = s.queue;
    queue.clear();
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      if (const auto* m = merges_->find(symbols[i].id, symbols[i + 1].id)) {
        queue.push_back(Candidate{m->rank, static_cast<std::uint32_t>(i), m->new_id});
      }
    }
    // Short words (almost all) scan for the best candidate; long ones use a binary heap. Both
    // pop the same sequence: candidates are ordered by (rank, pos) and equal ones are identical.
    const bool use_heap = symbols.size() > 24;
    auto push = [&queue, use_heap](Candidate c) {
      queue.push_back(c);
      if (use_heap) std::push_heap(queue.begin(), queue.end(), LowerPriority());
    };
    auto pop = [&queue, use_heap]() {
      if (use_heap) {
        std::pop_heap(queue.begin(), queue.end(), LowerPriority());
      } else {
        std::size_t best = 0;
        for (std::size_t i = 1; i < queue.size(); ++i) {
          if (LowerPriority()(queue[best], queue[i])) best = i;
        }
        std::swap(queue[best], queue.back());
      }
      const Candidate top = queue.back();
      queue.pop_back();
      return top;
    };
    if (use_heap) std::make_heap(queue.begin(), queue.end(), LowerPriority());
    while (!queue.empty()) {
      const Candidate top = pop();
      Symbol& current = symbols[top.pos];
      if (current.len == 0 || current.next == -1) continue;
      const auto next_pos = static_cast<std::size_t>(current.next);
      const Symbol right = symbols[next_pos];
      // The queued merge may be stale: only its result id is checked, as in tokenizers.
      const auto* m = merges_->find(current.id, right.id);
      if (!m || m->new_id != top.new_id) continue;
      current.id = top.new_id;
      current.len += right.len;
      current.next = right.next;
      symbols[next_pos].len = 0;
      if (right.next > -1 && static_cast<std::size_t>(right.next) < symbols.size()) {
        symbols[static_cast<std::size_t>(right.next)].prev = static_cast<std::int32_t>(top.pos);
      }
      if (current.prev >= 0) {
        const Symbol& prev = symbols[static_cast<std::size_t>(current.prev)];
        if (const auto* pm = merges_->find(prev.id, current.id)) {
          push(Candidate{pm->rank, static_cast<std::uint32_t>(current.prev), pm->new_id});
        }
      }
      if (current.next >= 0 && static_cast<std::size_t>(current.next) < symbols.size()) {
        const Symbol& next = symbols[static_cast<std::size_t>(current.next)];
        if (const auto* nm = merges_->find(current.id, next.id)) {
          push(Candidate{nm->rank, top.pos, nm->new_id});
        }
      }
    }
  }

  pieces.clear();
  for (const Symbol& symbol : symbols) {
    if (symbol.len != 0) pieces.push_back(Piece{symbol.id, symbol.len});
  }
}

void BPE::push_tokens(const std::vector<Piece>& pieces, std::vector<Token>& out) const {
  std::size_t pos = 0;
  for (const Piece& piece : pieces) {
    auto token = id_to_token(piece.id);
    out.push_back(
        Token{piece.id, std::string(token ? *token : std::string_view()), {pos, pos + piece.len}});
    pos += piece.len;
  }
}

void BPE::tokenize(std::string_view piece, std::vector<Token>& out) const {
  if (piece.empty()) return;
  std::vector<Piece>& pieces = scratch().pieces;
  if (options_.drop_all_merges) {
    merge_word(piece, pieces);
    return push_tokens(pieces, out);
  }
  if (options_.ignore_merges) {
    if (auto it = vocab_.find(piece); it != vocab_.end()) {
      out.push_back(Token{it->second, std::string(it->first), {0, piece.size()}});
      return;
    }
  }
  const std::uint64_t hash = Cache::hash(piece);
  if (!Cache::lookup(instance_, piece, hash, pieces)) {
    merge_word(piece, pieces);
    Cache::insert(instance_, piece, hash, pieces);
  }
  push_tokens(pieces, out);
}

std::optional<std::uint32_t> BPE::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> BPE::id_to_token(std::uint32_t id) const {
  if (!vocab_r_dense_.empty()) {
    if (id < has_id_.size() && has_id_[id]) return vocab_r_dense_[id];
    return std::nullopt;
  }
  auto it = vocab_r_sparse_.find(id);
  if (it == vocab_r_sparse_.end()) return std::nullopt;
  return it->second;
}

}  // namespace modelexport::text
