// Sequence post-processor, as tokenizers' processors/sequence.rs: {"processors": [...]}.
#include "text/post_processors/sequence.h"

namespace modelexport::text {
namespace {

// process_encodings is protected in PostProcessor, and C++ lets a derived class call it only on
// objects of its own type. A class that derives without overriding can still name the base
// member, which yields a pointer callable (virtually) on any PostProcessor.
struct ProcessEncodingsAccess : PostProcessor {
  static constexpr auto kMember = &ProcessEncodingsAccess::process_encodings;
};

}  // namespace

std::unique_ptr<PostProcessor> PostProcessorSequence::from_json(const JsonRef& json) {
  std::vector<std::unique_ptr<PostProcessor>> processors;
  for (const JsonRef& item : json.at("processors").elements()) {
    processors.push_back(post_processor_from_json(item));
  }
  return std::make_unique<PostProcessorSequence>(std::move(processors));
}

std::size_t PostProcessorSequence::added_tokens(bool is_pair) const {
  std::size_t total = 0;
  for (const auto& processor : processors_) total += processor->added_tokens(is_pair);
  return total;
}

std::vector<EncodingData> PostProcessorSequence::process_encodings(
    std::vector<EncodingData> encodings, bool add_special_tokens) const {
  for (const auto& processor : processors_) {
    encodings =
        ((*processor).*ProcessEncodingsAccess::kMember)(std::move(encodings), add_special_tokens);
  }
  return encodings;
}

}  // namespace modelexport::text
