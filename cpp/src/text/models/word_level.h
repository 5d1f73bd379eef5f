// WordLevel model: each pre-tokenized piece is looked up whole in the vocabulary; a piece that is
// not there becomes the unknown token.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "text/models/model.h"
#include "text/models/vocabulary.h"

namespace modelexport::text {

class WordLevel : public Model {
 public:
  WordLevel(const std::vector<std::pair<std::string, std::uint32_t>>& vocab, std::string unk_token);
  WordLevel(const WordLevel&) = delete;  // the lookup table points into the reverse vocabulary
  WordLevel& operator=(const WordLevel&) = delete;

  static std::unique_ptr<Model> from_json(const JsonRef& json);

  void tokenize(std::string_view piece, std::vector<Token>& out) const override;
  std::optional<std::uint32_t> token_to_id(std::string_view token) const override {
    return vocab_.id(token);
  }
  std::optional<std::string_view> id_to_token(std::uint32_t id) const override {
    return vocab_.token(id);
  }
  std::size_t vocab_size() const override { return vocab_.size(); }

 private:
  Vocabulary vocab_;
  std::string unk_token_;
};

}  // namespace modelexport::text
