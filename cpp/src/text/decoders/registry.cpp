// Decoder registry: "type" -> from_json factory.
#include <map>
#include <string>

#include "text/decoders/decoder.h"
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
      {"WordPiece", &WordPieceDecoder::from_json},
  };
  const std::string type = json.type_tag();
  auto it = kRegistry.find(type);
  if (it == kRegistry.end()) json.at("type").fail("unknown decoder '" + type + "'");
  return it->second(json);
}

}  // namespace modelexport::text
