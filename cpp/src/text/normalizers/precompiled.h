// Precompiled normalizer: sentencepiece's compiled normalization rules (`precompiled_charsmap`),
// applied the way tokenizers does it (normalizers/precompiled.rs with the spm_precompiled crate).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Precompiled : public Normalizer {
 public:
  // `charsmap`: little-endian u32 trie size in bytes, that many bytes of Darts double-array units
  // (u32 each), then the replacement strings, each ended by '\0'. Throws std::invalid_argument
  // (without a path) when it is malformed.
  explicit Precompiled(std::string_view charsmap);

  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;

  // The replacement of the shortest rule that is a prefix of `chunk` (the crate's `transform`:
  // the first common-prefix-search result), or nullopt.
  std::optional<std::string_view> transform(std::string_view chunk) const;

 private:
  std::vector<std::uint32_t> units_;
  std::string normalized_;
  // transform() of each ASCII character, as (start, length) in normalized_ (no views: copies of
  // this object must stay valid); most text is ASCII and needs no trie walk.
  std::array<std::optional<std::pair<std::size_t, std::size_t>>, 128> ascii_rules_;
};

}  // namespace modelexport::text
