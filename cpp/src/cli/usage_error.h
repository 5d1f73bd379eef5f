// The one error handler of the native commands: every failure becomes one line on stderr and an
// exit code (1 error, 2 bad usage); nothing escapes as a crash or a traceback.
#pragma once

#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>

namespace modelexport::cli {

// Bad usage found after parsing (e.g. no inputs): exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Prints "<program>: <message> (see --help)" and returns 2.
int report_usage_error(const std::string& program, const std::string& message, std::ostream& err);

// Runs `body`; returns 0, or prints "<program>: error: <what>" and returns 1 (2 for UsageError).
int run_guarded(const std::string& program, std::ostream& err, const std::function<void()>& body);

}  // namespace modelexport::cli
