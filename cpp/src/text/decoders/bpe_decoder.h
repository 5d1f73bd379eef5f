// BPEDecoder: for original (end-of-word suffix) BPE: every occurrence of the suffix ("</w>")
// becomes a space, except in the last token where it is removed.
#pragma once

#include "text/decoders/decoder.h"

namespace modelexport::text {

class BPEDecoder : public Decoder {
 public:
  explicit BPEDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;

 private:
  std::string suffix_;
};

}  // namespace modelexport::text
