// WordPiece decoder: glues "##" continuation pieces to the previous token, separates words with
// spaces and optionally cleans up tokenization artifacts (" ." -> ".", " n't" -> "n't", ...).
#pragma once

#include "text/decoders/decoder.h"

namespace modelexport::text {

class WordPieceDecoder : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup)
      : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;

 private:
  std::string prefix_;
  bool cleanup_;
};

// tokenizers' decoders::wordpiece::cleanup.
std::string wordpiece_cleanup(std::string text);

}  // namespace modelexport::text
