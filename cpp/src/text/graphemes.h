// Extended grapheme clusters (UAX #29), as unicode-segmentation's `graphemes(true)` finds them;
// the Precompiled normalizer works cluster by cluster.
#pragma once

#include <cstddef>
#include <string_view>

namespace modelexport::text {

// End (byte offset) of the extended grapheme cluster that starts at `pos` < text.size() in valid
// UTF-8 `text`.
std::size_t grapheme_end(std::string_view text, std::size_t pos);

}  // namespace modelexport::text
