// Model stage: turns one pre-tokenized piece of normalized text into vocabulary tokens.
// Registry from tokenizer.json's model "type" to factory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/json_util.h"
#include "text/pre_tokenized_string.h"

namespace modelexport::text {

class Model {
 public:
  virtual ~Model() = default;
  // Appends the tokens of `piece` (offsets are byte offsets into `piece`).
  virtual void tokenize(std::string_view piece, std::vector<Token>& out) const = 0;
  virtual std::optional<std::uint32_t> token_to_id(std::string_view token) const = 0;
  virtual std::optional<std::string_view> id_to_token(std::uint32_t id) const = 0;
  virtual std::size_t vocab_size() const = 0;
};

// Throws std::invalid_argument naming the JSON path for unknown types or bad members.
std::unique_ptr<Model> model_from_json(const JsonRef& json);

// A {token: id} vocabulary object (WordPiece, WordLevel, BPE), in document order; an id that is
// not in 0..2^32-1 is an error naming its token.
std::vector<std::pair<std::string, std::uint32_t>> vocab_from_json(const JsonRef& vocab_json);

}  // namespace modelexport::text
