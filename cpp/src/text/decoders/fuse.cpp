// Fuse decoder, as tokenizers' decoders/fuse.rs.
#include "text/decoders/fuse.h"

namespace modelexport::text {

std::unique_ptr<Decoder> Fuse::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Fuse>();
}

std::vector<std::string> Fuse::decode_chain(std::vector<std::string> tokens) const {
  std::string joined;
  for (const std::string& token : tokens) joined += token;
  return {std::move(joined)};
}

}  // namespace modelexport::text
