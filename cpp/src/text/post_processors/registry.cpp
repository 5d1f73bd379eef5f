// Post-processor registry ("type" -> from_json factory) and the shared process() logic.
#include <map>
#include <string>

#include "text/post_processors/bert_processing.h"
#include "text/post_processors/post_processor.h"
#include "text/post_processors/template_processing.h"

namespace modelexport::text {

EncodingData PostProcessor::process(EncodingData first, std::optional<EncodingData> second,
                                    bool add_special_tokens) const {
  std::vector<EncodingData> encodings;
  encodings.push_back(std::move(first));
  if (second) encodings.push_back(std::move(*second));
  for (std::size_t i = 0; i < encodings.size(); ++i) {
    const auto type_id = static_cast<std::uint32_t>(i);
    encodings[i].set_sequence_id(i);
    encodings[i].for_each_overflowing([i](EncodingData& part) { part.set_sequence_id(i); });
    encodings[i].set_type_ids(type_id);
    encodings[i].for_each_overflowing(
        [type_id](EncodingData& part) { part.set_type_ids(type_id); });
  }
  encodings = process_encodings(std::move(encodings), add_special_tokens);
  EncodingData merged;
  for (auto& e : encodings) merged.merge_with(std::move(e), false);
  return merged;
}

EncodingData default_post_process(EncodingData first, std::optional<EncodingData> second) {
  if (!second) return first;
  EncodingData merged;
  first.set_sequence_id(0);
  second->set_sequence_id(1);
  merged.merge_with(std::move(first), false);
  merged.merge_with(std::move(*second), false);
  return merged;
}

std::unique_ptr<PostProcessor> post_processor_from_json(const JsonRef& json) {
  using Factory = std::unique_ptr<PostProcessor> (*)(const JsonRef&);
  static const std::map<std::string, Factory, std::less<>> kRegistry = {
      {"BertProcessing", &BertProcessing::from_json},
      {"TemplateProcessing", &TemplateProcessing::from_json},
  };
  const std::string type = json.type_tag();
  auto it = kRegistry.find(type);
  if (it == kRegistry.end()) json.at("type").fail("unknown post-processor '" + type + "'");
  return it->second(json);
}

}  // namespace modelexport::text
