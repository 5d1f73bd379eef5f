// Inputs of the text tasks as Values: a string, or {"text": ..., "text_pair": ...}.
#pragma once

#include <vector>

#include "modelexport/pipelines/text_input.h"
#include "modelexport/value.h"

namespace modelexport::pipelines {

// Throws PipelineError naming what was given for anything else.
TextInput text_input(const Value& input);
std::vector<TextInput> text_inputs(const std::vector<Value>& inputs);

}  // namespace modelexport::pipelines
