// Metaspace decoder: turns the replacement character ("▁") back into spaces; in the first token
// it is dropped instead unless the prepend scheme is "never".
#pragma once

#include "text/decoders/decoder.h"
#include "text/pre_tokenizers/metaspace.h"

namespace modelexport::text {

class MetaspaceDecoder : public Decoder {
 public:
  explicit MetaspaceDecoder(MetaspaceOptions options) : options_(options) {}
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;

 private:
  MetaspaceOptions options_;
};

}  // namespace modelexport::text
