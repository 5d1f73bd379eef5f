// PreTokenizedString: the input after added-token extraction, as a list of splits (each a
// NormalizedString, possibly already tokenized), refined by the pre-tokenizers and finally
// tokenized by the model. Mirrors tokenizers' tokenizer/pre_tokenizer.rs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "text/normalized_string.h"

namespace modelexport::text {

// A token produced by a model or matched as an added token; offsets are byte offsets into the
// normalized text of the split it came from.
struct Token {
  std::uint32_t id = 0;
  std::string value;
  Offsets offsets;
};

struct Split {
  NormalizedString normalized;
  std::optional<std::vector<Token>> tokens;
};

class PreTokenizedString {
 public:
  // `original` must be valid UTF-8.
  explicit PreTokenizedString(std::string original)
      : original_(original), splits_{Split{NormalizedString(std::move(original)), std::nullopt}} {}

  const std::string& original() const { return original_; }
  std::vector<Split>& splits() { return splits_; }
  const std::vector<Split>& splits() const { return splits_; }

  // Replaces every split that has no tokens yet by fn(index, normalized), a vector of Split or
  // of NormalizedString; empty results are dropped.
  template <typename Fn>
  void split(Fn fn) {
    std::vector<Split> next;
    next.reserve(splits_.size());
    for (std::size_t i = 0; i < splits_.size(); ++i) {
      if (splits_[i].tokens) {
        next.push_back(std::move(splits_[i]));
        continue;
      }
      auto parts = fn(i, std::move(splits_[i].normalized));
      // Room for these parts and at least one per split still to come, in one allocation.
      const std::size_t needed = next.size() + parts.size() + (splits_.size() - i - 1);
      if (needed > next.capacity()) next.reserve(std::max(needed, 2 * next.capacity()));
      for (auto& part : parts) {
        if constexpr (std::is_same_v<std::decay_t<decltype(part)>, Split>) {
          if (!part.normalized.empty()) next.push_back(std::move(part));
        } else {
          if (!part.empty()) next.push_back(Split{std::move(part), std::nullopt});
        }
      }
    }
    splits_ = std::move(next);
  }

 private:
  std::string original_;
  std::vector<Split> splits_;
};

}  // namespace modelexport::text
