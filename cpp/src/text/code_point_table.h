// CodePointTable: a value per Unicode code point in a two-stage table (blocks of 256 code points,
// identical blocks stored once), so that a property lookup is two array reads instead of a
// binary search over ranges. Built once from a flat array of all code points.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace modelexport::text {

template <typename T>
class CodePointTable {
 public:
  static constexpr std::size_t kCodePoints = 0x110000;

  // `values[c]` for every code point c; code points past U+10FFFF read as T{}.
  explicit CodePointTable(const std::vector<T>& values) {
    if (values.size() != kCodePoints) throw std::logic_error("CodePointTable: wrong size");
    // Blocks already stored, by a hash of their contents (most blocks repeat a few patterns).
    std::unordered_map<std::uint64_t, std::vector<std::uint16_t>> stored;
    for (std::size_t b = 0; b < kCodePoints / kBlock; ++b) {
      const T* block = values.data() + b * kBlock;
      std::uint64_t hash = 0xCBF29CE484222325ull;
      for (std::size_t i = 0; i < kBlock; ++i) {
        hash = (hash ^ static_cast<std::uint64_t>(block[i])) * 0x100000001B3ull;
      }
      std::vector<std::uint16_t>& candidates = stored[hash];
      auto same = std::find_if(candidates.begin(), candidates.end(), [&](std::uint16_t k) {
        return std::equal(block, block + kBlock, blocks_.begin() + k * kBlock);
      });
      if (same == candidates.end()) {
        candidates.push_back(static_cast<std::uint16_t>(blocks_.size() / kBlock));
        blocks_.insert(blocks_.end(), block, block + kBlock);
        same = candidates.end() - 1;
      }
      index_[b] = *same;
    }
  }

  T operator()(char32_t c) const {
    if (c >= kCodePoints) return T{};
    return blocks_[static_cast<std::size_t>(index_[c / kBlock]) * kBlock + c % kBlock];
  }

 private:
  static constexpr std::size_t kBlock = 256;
  std::array<std::uint16_t, kCodePoints / kBlock> index_{};
  std::vector<T> blocks_;
};

}  // namespace modelexport::text
