// The one error handler of the native commands (see usage_error.h).
#include "cli/usage_error.h"

#include <charconv>
#include <new>

namespace modelexport::cli {
namespace {

// One line: newlines inside a message (ORT's, a path's) become spaces.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

int report_usage_error(const std::string& program, const std::string& message, std::ostream& err) {
  err << program << ": " << one_line(message) << " (see --help)\n";
  return 2;
}

std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args,
                                      std::ostream& out, std::ostream& err) {
  try {
    // CLI11 takes the arguments in reverse order, without the program name.
    std::vector<std::string> reversed(args.rbegin(), args.rend() - (args.empty() ? 0 : 1));
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::Success&) {
    return 0;  // an option that did its job while parsing (e.g. printed something)
  } catch (const CLI::ParseError& e) {
    return report_usage_error(app.get_name(), e.what(), err);
  }
  return std::nullopt;
}

CLI::Option* add_count_option(CLI::App& app, const std::string& name,
                              std::optional<std::size_t>& target, const std::string& help,
                              const std::string& word, std::size_t word_value) {
  const auto parse = [word, word_value](const std::string& text) -> std::optional<std::size_t> {
    if (!word.empty() && text == word) return word_value;
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return {};
    return value;
  };
  const std::string expected =
      word.empty() ? "a non-negative number" : "a number or '" + word + "'";
  CLI::Validator check(
      [parse, expected](std::string& text) -> std::string {
        return parse(text) ? std::string() : "expects " + expected + ", got '" + text + "'";
      },
      word.empty() ? "N" : "N|" + word);
  return app
      .add_option_function<std::string>(
          name, [&target, parse](const std::string& text) { target = parse(text); }, help)
      ->check(check);
}

int run_guarded(const std::string& program, std::ostream& err, const std::function<void()>& body) {
  try {
    body();
    return 0;
  } catch (const UsageError& e) {
    return report_usage_error(program, e.what(), err);
  } catch (const std::bad_alloc&) {
    err << program << ": error: out of memory\n";
  } catch (const std::exception& e) {
    err << program << ": error: " << one_line(e.what()) << "\n";
  }
  return 1;
}

}  // namespace modelexport::cli
