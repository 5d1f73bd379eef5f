// Decoder registry: "type" -> from_json factory.
#include <map>
#include <string>

#include "text/decoders/bpe_decoder.h"
#include "text/decoders/byte_fallback.h"
#include "text/decoders/byte_level.h"
#include "text/decoders/ctc.h"
#include "text/decoders/decoder.h"
#include "text/decoders/fuse.h"
#include "text/decoders/metaspace_decoder.h"
#include "text/decoders/replace_decoder.h"
#include "text/decoders/sequence.h"
#include "text/decoders/strip_decoder.h"
#include "text/decoders/wordpiece_decoder.h"

namespace modelexport::text {

std::string Decoder::decode(std::vector<std::string> tokens) const {
  std::string out;
  for (const std::string& piece : decode_chain(std::move(tokens))) out += piece;
  return out;
}

std::unique_ptr<Decoder> decoder_from_json(const JsonRef& json) {
  using Factory = std::unique_ptr<Decoder> (*)(const JsonRef&);
  static const std::map<std::string, Factory, std::less<>> kRegistry = {
      {"BPEDecoder", &BPEDecoder::from_json},
      {"ByteFallback", &ByteFallback::from_json},
      {"ByteLevel", &ByteLevelDecoder::from_json},
      {"CTC", &Ctc::from_json},
      {"Fuse", &Fuse::from_json},
      {"Metaspace", &MetaspaceDecoder::from_json},
      {"Replace", &ReplaceDecoder::from_json},
      {"Sequence", &DecoderSequence::from_json},
      {"Strip", &StripDecoder::from_json},
      {"WordPiece", &WordPieceDecoder::from_json},
  };
  const std::string type = json.type_tag();
  auto it = kRegistry.find(type);
  if (it == kRegistry.end()) json.at("type").fail("unknown decoder '" + type + "'");
  return it->second(json);
}

}  // namespace modelexport::text
