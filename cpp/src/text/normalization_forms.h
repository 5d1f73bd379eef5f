// Unicode normalization forms (NFD, NFKD, NFC, NFKC) as character changes, the way
// unicode-normalization-alignments reports them to tokenizers' NormalizedString::transform:
// each decomposition's first character replaces its source (change 0) and the others are
// inserted (+1); marks are stably sorted by combining class and keep their changes; composing
// two characters adds their changes and removes one (change a + b - 1).
#pragma once

#include <string_view>
#include <vector>

#include "text/normalized_string.h"

namespace modelexport::text {

enum class NormalizationForm { kNFD, kNFKD, kNFC, kNFKC };

// The changes that turn `text` (valid UTF-8) into its normalization form `form`.
std::vector<CharChange> normalization_changes(std::string_view text, NormalizationForm form);

}  // namespace modelexport::text
