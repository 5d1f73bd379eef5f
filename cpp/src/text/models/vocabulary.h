// Vocabulary: token <-> id maps of a {token: id} vocabulary (WordPiece, WordLevel). Several
// tokens may share an id: lookups by token find each of them, the id maps back to the last one,
// as in tokenizers. Not copyable: the token index points into the stored strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace modelexport::text {

class Vocabulary {
 public:
  explicit Vocabulary(const std::vector<std::pair<std::string, std::uint32_t>>& entries);
  Vocabulary(const Vocabulary&) = delete;
  Vocabulary& operator=(const Vocabulary&) = delete;

  std::optional<std::uint32_t> id(std::string_view token) const {
    auto it = ids_.find(token);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string_view> token(std::uint32_t id) const {
    auto it = tokens_.find(id);
    if (it == tokens_.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  std::size_t size() const { return ids_.size(); }
  // Every (token, id), in no particular order.
  const std::unordered_map<std::string_view, std::uint32_t>& entries() const { return ids_; }

 private:
  std::unordered_map<std::uint32_t, std::string> tokens_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;  // views into tokens_ / shadowed_
  std::vector<std::unique_ptr<std::string>> shadowed_;       // tokens whose id another reuses
};

}  // namespace modelexport::text
