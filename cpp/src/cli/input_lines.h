// The one reader of input files for `modelexport-run` and `modelexport run`: JSON lines.
#pragma once

#include <string>
#include <vector>

#include "modelexport/pipeline.h"

namespace modelexport::cli {

// Reads `path`, one JSON value per line (split on "\n" only, so U+2028/U+2029/U+0085 inside a
// string are fine; a UTF-8 byte-order mark and "\r\n" endings are accepted; blank lines are
// skipped). A line is a JSON string (the text), {"text": ..., "text_pair": ...}, or
// {"question": ..., "context": ...} (text = question, pair = context). Anything else is an
// std::invalid_argument naming the file and line.
std::vector<TextInput> read_input_lines(const std::string& path);

}  // namespace modelexport::cli
