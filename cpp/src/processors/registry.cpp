// The processor registry: one line per processor_type.
#include <functional>
#include <map>
#include <stdexcept>

#include "modelexport/package.h"
#include "processors/audio_processor.h"
#include "processors/document_processor.h"
#include "processors/image_processor.h"
#include "processors/processor.h"
#include "processors/text_processor.h"

namespace modelexport::processors {
namespace {

using Factory = std::unique_ptr<Processor> (*)(const Package&, const runtime::ShapePolicy&);

template <typename P>
std::unique_ptr<Processor> make(const Package& package, const runtime::ShapePolicy& policy) {
  return std::make_unique<P>(package, policy);
}

const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> registry = {
      {TextProcessor::kType, make<TextProcessor>},
      {ImageProcessor::kType, make<ImageProcessor>},
      {AudioProcessor::kType, make<AudioProcessor>},
      {DocumentProcessor::kType, make<DocumentProcessor>},
  };
  return registry;
}

}  // namespace

std::unique_ptr<Processor> create_processor(const Package& package,
                                            const runtime::ShapePolicy& policy) {
  return create_processor(package, policy, package.processor_type());
}

std::unique_ptr<Processor> create_processor(const Package& package,
                                            const runtime::ShapePolicy& policy,
                                            const std::string& type) {
  const auto factory = factories().find(type);
  if (factory == factories().end()) {
    std::string known;
    for (const auto& [name, make_processor] : factories())
      known += (known.empty() ? "" : ", ") + name;
    throw std::invalid_argument(package.model_path() + ": processor_type '" + type +
                                "' has no native processor (available: " + known + ")");
  }
  return factory->second(package, policy);
}

}  // namespace modelexport::processors
