// DoubleArray: a static byte trie in one flat array (base/check double array), built once from a
// set of keys with values. A lookup step is one add and one compare, with no allocation, which
// is what the Unigram model's Viterbi search does for every byte of its input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace modelexport::text {

class DoubleArray {
 public:
  DoubleArray() = default;
  // `keys`: (key, value >= 0); a key given twice keeps its last value. Keys may be empty (an
  // empty key is ignored: it can never match).
  explicit DoubleArray(std::vector<std::pair<std::string, std::int32_t>> keys);

  // Calls fn(length, value) for every key that is a prefix of `text`, shortest first.
  template <typename Fn>
  void common_prefix_search(std::string_view text, Fn fn) const {
    if (!units_.empty()) common_prefix_search(0, text, fn);
  }

  // The node reached by `prefix` from the root (a valid `from` below), or -1 when no key starts
  // with it.
  std::int32_t node_of(std::string_view prefix) const;
  // Like common_prefix_search for keys that continue the path to `from` with a prefix of
  // `text`; lengths count bytes of `text` only (the key at `from` itself is not reported).
  template <typename Fn>
  void common_prefix_search(std::int32_t from, std::string_view text, Fn fn) const;

  // The value of `key`, or -1.
  std::int32_t find(std::string_view key) const;

 private:
  struct Unit {
    std::int32_t base = 0;    // children of this node are at base + byte
    std::int32_t check = -1;  // parent node; -1: free cell; -2: the root
    std::int32_t value = -1;  // value of the key ending here, -1 when none
  };
  std::vector<Unit> units_;  // units_[0] is the root; sized so base + 255 is always in range
};

template <typename Fn>
void DoubleArray::common_prefix_search(std::int32_t from, std::string_view text, Fn fn) const {
  const Unit* units = units_.data();
  std::int32_t node = from;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::int32_t next = units[node].base + static_cast<unsigned char>(text[i]);
    if (units[next].check != node) return;
    node = next;
    if (units[node].value >= 0) fn(i + 1, units[node].value);
  }
}

}  // namespace modelexport::text
