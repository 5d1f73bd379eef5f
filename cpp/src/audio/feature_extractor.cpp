// Placeholder until the feature extractors land (replaced by the registry of extractors).
#include "audio/feature_extractor.h"

#include <stdexcept>

namespace modelexport::audio {

std::unique_ptr<FeatureExtractor> parse_feature_extractor(const std::string& /*json_text*/,
                                                          const std::string& origin) {
  throw std::invalid_argument(origin + ": no native feature extractors yet");
}

}  // namespace modelexport::audio
