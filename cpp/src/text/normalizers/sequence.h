// Sequence normalizer: applies its normalizers in order.
#pragma once

#include <vector>

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class NormalizerSequence : public Normalizer {
 public:
  explicit NormalizerSequence(std::vector<std::unique_ptr<Normalizer>> normalizers)
      : normalizers_(std::move(normalizers)) {}
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;

 private:
  std::vector<std::unique_ptr<Normalizer>> normalizers_;
};

}  // namespace modelexport::text
