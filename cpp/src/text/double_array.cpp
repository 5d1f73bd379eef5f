// DoubleArray construction: keys sorted bytewise, nodes placed breadth-first; each node's
// children go to the first base where all their cells are free, found through a linked list of
// free cells so that building a 250k-piece vocabulary stays fast.
#include "text/double_array.h"

#include <algorithm>
#include <deque>
#include <stdexcept>

namespace modelexport::text {

DoubleArray::DoubleArray(std::vector<std::pair<std::string, std::int32_t>> keys) {
  // Last value wins for duplicate keys: stable sort, then keep the last of each run.
  std::stable_sort(keys.begin(), keys.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::int32_t>> unique;
  unique.reserve(keys.size());
  for (auto& kv : keys) {
    if (kv.first.empty()) continue;
    if (!unique.empty() && unique.back().first == kv.first) {
      unique.back().second = kv.second;
    } else {
      unique.push_back(std::move(kv));
    }
  }

  // Free cells form a doubly linked list (next_free/prev_free), with a sentinel at index -1
  // represented by `head`. Cells are added 256 at a time.
  std::vector<std::int32_t> next_free;
  std::vector<std::int32_t> prev_free;
  std::int32_t head = -1;  // first free cell, -1 when none
  std::int32_t tail = -1;
  auto grow = [&](std::size_t size) {
    while (units_.size() < size) {
      const auto i = static_cast<std::int32_t>(units_.size());
      units_.emplace_back();
      next_free.push_back(-1);
      prev_free.push_back(tail);
      if (tail >= 0) {
        next_free[static_cast<std::size_t>(tail)] = i;
      } else {
        head = i;
      }
      tail = i;
    }
  };
  auto take = [&](std::int32_t i) {
    const auto u = static_cast<std::size_t>(i);
    const std::int32_t p = prev_free[u];
    const std::int32_t n = next_free[u];
    if (p >= 0) {
      next_free[static_cast<std::size_t>(p)] = n;
    } else {
      head = n;
    }
    if (n >= 0) {
      prev_free[static_cast<std::size_t>(n)] = p;
    } else {
      tail = p;
    }
  };

  grow(256);
  take(0);
  units_[0].check = -2;  // taken, and nobody's child (bases are >= 1, so no child lands here)

  struct Pending {
    std::int32_t node;
    std::size_t lo, hi, depth;  // keys [lo, hi) share the node's prefix of length depth
  };
  std::deque<Pending> queue;
  queue.push_back({0, 0, unique.size(), 0});
  std::vector<unsigned char> labels;
  std::vector<std::size_t> bounds;
  while (!queue.empty()) {
    const Pending p = queue.front();
    queue.pop_front();
    std::size_t lo = p.lo;
    if (lo < p.hi && unique[lo].first.size() == p.depth) {
      units_[static_cast<std::size_t>(p.node)].value = unique[lo].second;
      ++lo;
    }
    if (lo == p.hi) continue;
    labels.clear();
    bounds.clear();
    for (std::size_t i = lo; i < p.hi; ++i) {
      const auto c = static_cast<unsigned char>(unique[i].first[p.depth]);
      if (labels.empty() || labels.back() != c) {
        labels.push_back(c);
        bounds.push_back(i);
      }
    }
    bounds.push_back(p.hi);
    // First base >= 1 whose cells base + label are all free.
    std::int32_t base = 0;
    for (std::int32_t cell = head;; cell = next_free[static_cast<std::size_t>(cell)]) {
      if (cell < 0) {
        // No fit among the free cells: place after the end.
        base = std::max<std::int32_t>(1, static_cast<std::int32_t>(units_.size()) - labels[0]);
        grow(static_cast<std::size_t>(base) + 256);
        break;
      }
      base = cell - labels[0];
      if (base < 1) continue;
      grow(static_cast<std::size_t>(base) + 256);
      bool fits = true;
      for (std::size_t k = 1; k < labels.size() && fits; ++k) {
        fits = units_[static_cast<std::size_t>(base) + labels[k]].check == -1;
      }
      if (fits) break;
    }
    units_[static_cast<std::size_t>(p.node)].base = base;
    for (std::size_t k = 0; k < labels.size(); ++k) {
      const std::int32_t child = base + labels[k];
      take(child);
      units_[static_cast<std::size_t>(child)].check = p.node;
      queue.push_back({child, bounds[k], bounds[k + 1], p.depth + 1});
    }
  }
  // Leaf nodes keep base 0: base + byte lands in [0, 255], and no cell there has a leaf as its
  // parent, so the walk stops. Every base + 255 is in range by construction (grow above).
}

std::int32_t DoubleArray::node_of(std::string_view prefix) const {
  if (units_.empty()) return -1;
  std::int32_t node = 0;
  for (const char byte : prefix) {
    const std::int32_t next =
        units_[static_cast<std::size_t>(node)].base + static_cast<unsigned char>(byte);
    if (units_[static_cast<std::size_t>(next)].check != node) return -1;
    node = next;
  }
  return node;
}

std::int32_t DoubleArray::find(std::string_view key) const {
  if (key.empty()) return -1;
  const std::int32_t node = node_of(key);
  return node < 0 ? -1 : units_[static_cast<std::size_t>(node)].value;
}

}  // namespace modelexport::text
