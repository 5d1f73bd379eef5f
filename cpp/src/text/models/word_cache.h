// WordCache: words a model tokenized recently, per thread, so that frequent words skip the model
// (tokenizers' models keep such a cache too). A direct-mapped table: a word can only live in the
// slot its hash picks, and a new word replaces the old one. Thread-local, so concurrent callers
// never share a slot and need no lock; every slot remembers which model instance filled it
// (owner ids are never reused), so several models can share a table. Words longer than MaxKey
// bytes, or with more than MaxEntries results, are not cached. Results never depend on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace modelexport::text {

// A fresh owner id for WordCache entries (one per model instance).
std::uint64_t new_word_cache_owner();

template <typename Entry, std::size_t MaxKey, std::size_t MaxEntries, unsigned SlotBits = 12>
class WordCache {
 public:
  static std::uint64_t hash(std::string_view word) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ word.size();
    auto mix = [&h](std::uint64_t w) {
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    };
    std::size_t i = 0;
    for (; i + 8 <= word.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, word.data() + i, 8);
      mix(w);
    }
    if (i < word.size()) {
      std::uint64_t w = 0;
      std::memcpy(&w, word.data() + i, word.size() - i);
      mix(w);
    }
    return h * 0x94D049BB133111EBull;
  }

  // Replaces `out` by the cached entries of `word` and returns true, or returns false.
  static bool lookup(std::uint64_t owner, std::string_view word, std::uint64_t h,
                     std::vector<Entry>& out) {
    const Slot& slot = table()[h >> (64 - kBits)];
    if (slot.owner != owner || slot.hash != h || slot.key_len != word.size() ||
        std::memcmp(slot.key, word.data(), word.size()) != 0) {
      return false;
    }
    out.assign(slot.entries, slot.entries + slot.count);
    return true;
  }

  static void insert(std::uint64_t owner, std::string_view word, std::uint64_t h,
                     const std::vector<Entry>& entries) {
    if (word.size() > MaxKey || entries.size() > MaxEntries) return;
    Slot& slot = table()[h >> (64 - kBits)];
    slot.owner = owner;
    slot.hash = h;
    slot.key_len = static_cast<std::uint8_t>(word.size());
    slot.count = static_cast<std::uint8_t>(entries.size());
    std::memcpy(slot.key, word.data(), word.size());
    std::copy(entries.begin(), entries.end(), slot.entries);
  }

 private:
  static_assert(MaxKey < 256 && MaxEntries < 256, "lengths are stored in one byte");
  static constexpr unsigned kBits = SlotBits;
  struct Slot {
    std::uint64_t owner = 0;  // 0: empty
    std::uint64_t hash = 0;
    std::uint8_t key_len = 0;
    std::uint8_t count = 0;
    char key[MaxKey];
    Entry entries[MaxEntries];
  };
  static Slot* table() {
    thread_local std::unique_ptr<Slot[]> slots(new Slot[std::size_t{1} << kBits]);
    return slots.get();
  }
};

}  // namespace modelexport::text
