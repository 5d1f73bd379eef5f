// Decoder stage: turns token strings back into text. Registry from "type" to factory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "text/json_util.h"

namespace modelexport::text {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // tokenizers' decode_chain: per-token strings, concatenated by decode().
  virtual std::vector<std::string> decode_chain(std::vector<std::string> tokens) const = 0;
  std::string decode(std::vector<std::string> tokens) const;
};

// Throws std::invalid_argument naming the JSON path for unknown types or bad members.
std::unique_ptr<Decoder> decoder_from_json(const JsonRef& json);

}  // namespace modelexport::text
