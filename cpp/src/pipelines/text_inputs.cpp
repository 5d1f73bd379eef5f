// Text inputs from Values (see text_inputs.h).
#include "pipelines/text_inputs.h"

#include "modelexport/pipeline.h"

namespace modelexport::pipelines {

TextInput text_input(const Value& input) {
  if (input.is_string()) return {input.as_string(), std::nullopt};
  if (input.is_object()) {
    const Value* text = input.find("text");
    const Value* pair = input.find("text_pair");
    if (text != nullptr && text->is_string() && (pair == nullptr || pair->is_string())) {
      return {text->as_string(),
              pair != nullptr ? std::optional<std::string>(pair->as_string()) : std::nullopt};
    }
  }
  throw PipelineError(
      "inputs must be strings or {\"text\": ..., \"text_pair\": ...} objects, got " +
      std::string(Value::kind_name(input.kind())));
}

std::vector<TextInput> text_inputs(const std::vector<Value>& inputs) {
  std::vector<TextInput> out;
  out.reserve(inputs.size());
  for (const auto& input : inputs) out.push_back(text_input(input));
  return out;
}

}  // namespace modelexport::pipelines
