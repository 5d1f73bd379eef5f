// Sequence decoder, as tokenizers' decoders/sequence.rs: {"decoders": [...]}.
#include "text/decoders/sequence.h"

namespace modelexport::text {

std::unique_ptr<Decoder> DecoderSequence::from_json(const JsonRef& json) {
  std::vector<std::unique_ptr<Decoder>> decoders;
  for (const JsonRef& item : json.at("decoders").elements()) {
    decoders.push_back(decoder_from_json(item));
  }
  return std::make_unique<DecoderSequence>(std::move(decoders));
}

std::vector<std::string> DecoderSequence::decode_chain(std::vector<std::string> tokens) const {
  for (const auto& decoder : decoders_) tokens = decoder->decode_chain(std::move(tokens));
  return tokens;
}

}  // namespace modelexport::text
