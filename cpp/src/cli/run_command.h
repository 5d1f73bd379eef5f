// `modelexport-run` and `modelexport run` are one command: this function. It parses the
// command line (CLI11), reads the inputs, runs the package's task pipeline and prints one JSON
// result per input, shaped as the transformers pipeline returns it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace modelexport::cli {

// args[0] is the program name used in messages. Returns the exit code: 0 ok, 1 error (one line
// on `err`), 2 bad usage (one line on `err`). Results go to `out`; --help prints usage there.
int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace modelexport::cli
