// Sequence normalizer: {"normalizers": [...]}.
#include "text/normalizers/sequence.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> NormalizerSequence::from_json(const JsonRef& json) {
  std::vector<std::unique_ptr<Normalizer>> normalizers;
  for (const JsonRef& item : json.at("normalizers").elements()) {
    normalizers.push_back(normalizer_from_json(item));
  }
  return std::make_unique<NormalizerSequence>(std::move(normalizers));
}

void NormalizerSequence::normalize(NormalizedString& text) const {
  for (const auto& normalizer : normalizers_) normalizer->normalize(text);
}

}  // namespace modelexport::text
