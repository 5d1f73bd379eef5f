// Strip decoder: removes up to `start` leading and `stop` trailing occurrences of one character
// from every token (e.g. the space a Replace("▁", " ") left at the start of the text).
#pragma once

#include "text/decoders/decoder.h"

namespace modelexport::text {

class StripDecoder : public Decoder {
 public:
  StripDecoder(char32_t content, std::size_t start, std::size_t stop)
      : content_(content), start_(start), stop_(stop) {}
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;

 private:
  char32_t content_;
  std::size_t start_;
  std::size_t stop_;
};

}  // namespace modelexport::text
