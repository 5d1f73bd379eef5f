// Replace decoder: replaces a pattern (string or regex) by a content in every token, e.g. "▁"
// by " " for SentencePiece vocabularies.
#pragma once

#include "text/decoders/decoder.h"
#include "text/normalizers/replace.h"

namespace modelexport::text {

class ReplaceDecoder : public Decoder {
 public:
  ReplaceDecoder(ReplacePattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;

 private:
  ReplacePattern pattern_;
  std::string content_;
};

}  // namespace modelexport::text
