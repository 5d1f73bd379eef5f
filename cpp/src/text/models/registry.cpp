// Model registry: "type" -> from_json factory. tokenizers accepts a WordPiece model without
// "type" (older files); so do we.
#include <map>
#include <string>

#include "text/models/bpe.h"
#include "text/models/model.h"
#include "text/models/unigram.h"
#include "text/models/word_level.h"
#include "text/models/wordpiece.h"

namespace modelexport::text {

std::unique_ptr<Model> model_from_json(const JsonRef& json) {
  using Factory = std::unique_ptr<Model> (*)(const JsonRef&);
  static const std::map<std::string, Factory, std::less<>> kRegistry = {
      {"BPE", &BPE::from_json},
      {"Unigram", &Unigram::from_json},
      {"WordLevel", &WordLevel::from_json},
      {"WordPiece", &WordPiece::from_json},
  };
  std::string type;
  if (json.find("type")) {
    type = json.type_tag();
  } else if (json.find("vocab") && json.find("merges")) {
    type = "BPE";  // tokenizers tries BPE first for models without "type"
  } else if (json.find("continuing_subword_prefix") && json.find("max_input_chars_per_word")) {
    type = "WordPiece";
  } else {
    json.fail("missing member 'type'");
  }
  auto it = kRegistry.find(type);
  if (it == kRegistry.end()) json.at("type").fail("unknown model '" + type + "'");
  return it->second(json);
}

std::vector<std::pair<std::string, std::uint32_t>> vocab_from_json(const JsonRef& vocab_json) {
  if (!vocab_json.json().is_object()) vocab_json.fail("expected an object {token: id}");
  std::vector<std::pair<std::string, std::uint32_t>> vocab;
  vocab.reserve(vocab_json.json().size());
  for (auto it = vocab_json.json().begin(); it != vocab_json.json().end(); ++it) {
    const nlohmann::json& id = it.value();
    const bool valid = id.is_number_integer() &&
                       (id.is_number_unsigned() || id.get<std::int64_t>() >= 0) &&
                       id.get<std::uint64_t>() <= 0xFFFFFFFFu;
    if (!valid) {
      // Tokens are data, not member names: always quoted.
      vocab_json.view(id, vocab_json.path() + "[" + nlohmann::json(it.key()).dump() + "]")
          .fail("expected a token id (0..2^32-1)");
    }
    vocab.emplace_back(it.key(), id.get<std::uint32_t>());
  }
  return vocab;
}

}  // namespace modelexport::text
