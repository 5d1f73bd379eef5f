// Vocabulary: builds the two lookup maps once.
#include "text/models/vocabulary.h"

namespace modelexport::text {

Vocabulary::Vocabulary(const std::vector<std::pair<std::string, std::uint32_t>>& entries) {
  tokens_.reserve(entries.size());
  for (const auto& [token, id] : entries) tokens_[id] = token;  // the last token of an id wins
  ids_.reserve(entries.size());
  for (const auto& [token, id] : entries) {
    const std::string& stored = tokens_[id];
    if (stored == token) {
      ids_[stored] = id;
    } else {
      shadowed_.push_back(std::make_unique<std::string>(token));
      ids_[*shadowed_.back()] = id;
    }
  }
}

}  // namespace modelexport::text
