// Values (pipeline results, as transformers shapes them) as JSON, for the command line and
// (later) the server.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "modelexport/value.h"

namespace modelexport::cli {

nlohmann::ordered_json to_json(const Value& value);

// One JSON document and a newline; bytes that are not UTF-8 (a partial byte-level token) print
// as U+FFFD, as Python's json would have them after decoding.
std::string json_line(const Value& value);

}  // namespace modelexport::cli
