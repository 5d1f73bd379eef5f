// Owner ids of WordCache entries.
#include "text/models/word_cache.h"

#include <atomic>

namespace modelexport::text {

std::uint64_t new_word_cache_owner() {
  // Starts at 1: 0 marks an empty slot.
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace modelexport::text
