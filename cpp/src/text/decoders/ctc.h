// CTC decoder (speech models): collapses repeated tokens, drops the pad token and, with cleanup,
// turns the word delimiter into spaces and removes tokenization artifacts.
#pragma once

#include "text/decoders/decoder.h"

namespace modelexport::text {

class Ctc : public Decoder {
 public:
  Ctc(std::string pad_token, std::string word_delimiter_token, bool cleanup)
      : pad_token_(std::move(pad_token)),
        word_delimiter_token_(std::move(word_delimiter_token)),
        cleanup_(cleanup) {}
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;

 private:
  std::string pad_token_;
  std::string word_delimiter_token_;
  bool cleanup_;
};

}  // namespace modelexport::text
