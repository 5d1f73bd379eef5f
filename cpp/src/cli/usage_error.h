// The one error handler of the native commands: every failure becomes one line on stderr and an
// exit code (1 error, 2 bad usage); nothing escapes as a crash or a traceback.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace modelexport::cli {

// Bad usage found after parsing (e.g. no inputs): exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Prints "<program>: <message> (see --help)" and returns 2.
int report_usage_error(const std::string& program, const std::string& message, std::ostream& err);

// Parses `args` (args[0]: the program) into `app`: nullopt to go on, or the exit code to end
// with (0 after printing --help on `out`, 2 after reporting bad usage on `err`).
std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args,
                                      std::ostream& out, std::ostream& err);

// Adds the option `name` taking a count: digits only (no sign, no suffix) within size_t, else
// bad usage. With a `word` (e.g. "all"), that word is accepted too and stored as `word_value`.
CLI::Option* add_count_option(CLI::App& app, const std::string& name,
                              std::optional<std::size_t>& target, const std::string& help,
                              const std::string& word = "", std::size_t word_value = 0);

// Runs `body`; returns 0, or prints "<program>: error: <what>" and returns 1 (2 for UsageError).
int run_guarded(const std::string& program, std::ostream& err, const std::function<void()>& body);

}  // namespace modelexport::cli
