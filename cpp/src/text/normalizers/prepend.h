// Prepend normalizer: puts a fixed string before any non-empty text (e.g. "▁" for
// SentencePiece-style vocabularies).
#pragma once

#include <string>

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;

 private:
  std::string prefix_;
};

}  // namespace modelexport::text
