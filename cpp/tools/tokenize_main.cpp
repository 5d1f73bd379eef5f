// modelexport-tokenize: encodes stdin lines with a tokenizer.json and prints one compact JSON
// object per line (ids, type_ids, tokens, offsets, masks, word/sequence ids and the decoded
// text; with --overflowing, the parts truncation cut off as "overflowing", a list of the same
// objects), the native counterpart of tokenizers' Tokenizer.encode for scripts and parity tests.
// Exit codes: 0 ok, 1 error (a line that fails prints {"error": ...} and the run exits 1 at
// the end), 2 bad usage.
#include <CLI/CLI.hpp>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/usage_error.h"
#include "modelexport/tokenizer.h"

namespace {

// --pad-to longest (pad to the longest of each batch) among the counts of --pad-to.
constexpr std::size_t kLongest = std::numeric_limits<std::size_t>::max();

struct Options {
  std::string tokenizer_path;
  bool pairs = false;
  std::optional<std::size_t> max_length;
  std::optional<std::string> strategy;
  std::optional<std::size_t> stride;
  std::optional<modelexport::Direction> truncate_from;
  bool no_truncation = false;
  std::optional<std::size_t> pad_to;  // kLongest: the longest of each batch
  bool no_padding = false;
  std::optional<std::size_t> batch_size;  // unset: 1
  bool add_special_tokens = true;
  bool skip_special_tokens = true;
  // Off by default: a pair's parts are all combinations of its sequences' parts, so long
  // inputs truncated short print thousands of them.
  bool overflowing = false;
};

using modelexport::cli::UsageError;

// What each option means in tokenizers' terms: the setting of the reference tokenizer it sets
// (section "truncation" or "padding" with a key, or null to turn the section off; "encode" /
// "decode" / "output" for the call's own arguments), so that a parity harness configures
// tokenizers from this one schema (--print-options) instead of its own reading of the flags.
struct ReferenceSetting {
  const char* flag;
  const char* section;   // nullptr: how the input is fed (lines, batches), not a setting
  const char* key;       // nullptr: the section is turned off
  nlohmann::json value;  // for flags without a value
  nlohmann::json words = nlohmann::json::object();  // special words of a count and what they mean
};

const std::vector<ReferenceSetting>& reference_settings() {
  static const std::vector<ReferenceSetting> settings = {
      {"--pairs", nullptr, nullptr, nullptr},
      {"--batch-size", nullptr, nullptr, nullptr},
      {"--max-length", "truncation", "max_length", nullptr},
      {"--truncation", "truncation", "strategy", nullptr},
      {"--stride", "truncation", "stride", nullptr},
      {"--truncate-from", "truncation", "direction", nullptr},
      {"--no-truncation", "truncation", nullptr, nullptr},
      {"--pad-to", "padding", "length", nullptr, {{"longest", nullptr}}},
      {"--no-padding", "padding", nullptr, nullptr},
      {"--no-special-tokens", "encode", "add_special_tokens", false},
      {"--keep-special-tokens", "decode", "skip_special_tokens", false},
      {"--overflowing", "output", "overflowing", true},
  };
  return settings;
}

// The options as JSON: per option its flag, what it takes ("nothing", "count" or "choice", with
// the choices) and its reference setting; plus the settings a section starts from when an
// option turns it on without tokenizer.json having one. Every option must have a setting.
nlohmann::json options_schema(const CLI::App& app) {
  nlohmann::json options = nlohmann::json::array();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional() || option->get_name() == "--help" ||
        option->get_name() == "--print-options") {
      continue;
    }
    const std::string flag = option->get_name();
    const ReferenceSetting* setting = nullptr;
    for (const auto& s : reference_settings()) {
      if (flag == s.flag) setting = &s;
    }
    if (setting == nullptr) throw std::logic_error(flag + " has no reference setting");
    std::string takes = option->get_expected_min() == 0 ? "nothing" : "count";
    nlohmann::json entry = {{"flag", flag}};
    const std::string type = option->get_type_name();
    if (type.rfind("TEXT:{", 0) == 0) {
      takes = "choice";
    }
    entry["takes"] = takes;
    entry["section"] = setting->section ? nlohmann::json(setting->section) : nlohmann::json();
    entry["key"] = setting->key ? nlohmann::json(setting->key) : nlohmann::json();
    if (takes == "nothing") entry["value"] = setting->value;
    entry["words"] = setting->words;
    options.push_back(std::move(entry));
  }
  const modelexport::TruncationOptions truncation;
  const modelexport::PaddingOptions padding;
  auto side = [](modelexport::Direction d) {
    return d == modelexport::Direction::kLeft ? "left" : "right";
  };
  return {{"options", options},
          {"defaults",
           {{"truncation",
             {{"max_length", truncation.max_length},
              {"stride", truncation.stride},
              {"strategy", "longest_first"},
              {"direction", side(truncation.direction)}}},
            {"padding",
             {{"length", nullptr},
              {"direction", side(padding.direction)},
              {"pad_id", padding.pad_id},
              {"pad_type_id", padding.pad_type_id},
              {"pad_token", padding.pad_token}}}}}};
}

void define_options(CLI::App& app, Options& o) {
  using modelexport::cli::add_count_option;
  app.add_option("TOKENIZER_JSON", o.tokenizer_path, "the tokenizer.json to encode with")
      ->required();
  app.add_flag("--pairs", o.pairs, "each line is FIRST<TAB>SECOND (a sentence pair)");
  add_count_option(app, "--max-length", o.max_length,
                   "truncate to N tokens (special tokens included)");
  app.add_option_function<std::string>(
         "--truncation", [&o](const std::string& v) { o.strategy = v; },
         "longest_first (default), only_first or only_second")
      ->check(CLI::IsMember({"longest_first", "only_first", "only_second"}));
  add_count_option(app, "--stride", o.stride, "tokens repeated between overflowing parts");
  app.add_option_function<std::string>(
         "--truncate-from",
         [&o](const std::string& side) {
           o.truncate_from =
               side == "left" ? modelexport::Direction::kLeft : modelexport::Direction::kRight;
         },
         "right (default) or left")
      ->check(CLI::IsMember({"left", "right"}));
  app.add_flag("--overflowing", o.overflowing,
               "print the parts truncation cut off (\"overflowing\", when any)");
  app.add_flag("--no-truncation", o.no_truncation, "ignore tokenizer.json's truncation");
  add_count_option(app, "--pad-to", o.pad_to, "pad to N tokens, or to the longest of each batch",
                   "longest", kLongest);
  app.add_flag("--no-padding", o.no_padding, "ignore tokenizer.json's padding");
  add_count_option(app, "--batch-size", o.batch_size,
                   "lines encoded together (matters for --pad-to longest; default 1)");
  app.add_flag_callback(
      "--no-special-tokens", [&o] { o.add_special_tokens = false; },
      "do not add special tokens ([CLS], [SEP], ...)");
  app.add_flag_callback(
      "--keep-special-tokens", [&o] { o.skip_special_tokens = false; },
      "keep special tokens in \"decoded\"");
  app.footer("Lines are split on \\n only; invalid UTF-8 is replaced by U+FFFD.");
  app.add_flag_callback(
         "--print-options",
         [&app] {
           std::cout << options_schema(app).dump() << '\n';
           throw CLI::Success();
         },
         "print the options as JSON, each with the tokenizers setting it stands for")
      ->trigger_on_parse();
}

void configure(modelexport::Tokenizer& tokenizer, const Options& o) {
  if (o.no_truncation) tokenizer.set_truncation(std::nullopt);
  if ((o.stride || o.truncate_from) && !o.max_length && !tokenizer.truncation()) {
    throw UsageError(
        "--stride and --truncate-from need truncation (--max-length N, or "
        "tokenizer.json's)");
  }
  if (o.max_length || o.strategy || o.stride || o.truncate_from) {
    modelexport::TruncationOptions t =
        tokenizer.truncation().value_or(modelexport::TruncationOptions{});
    if (o.max_length) t.max_length = *o.max_length;
    if (o.strategy) t.strategy = modelexport::parse_truncation_strategy(*o.strategy);
    if (o.stride) t.stride = *o.stride;
    if (o.truncate_from) t.direction = *o.truncate_from;
    tokenizer.set_truncation(t);
  }
  if (o.no_padding) tokenizer.set_padding(std::nullopt);
  if (o.pad_to) {
    modelexport::PaddingOptions p = tokenizer.padding().value_or(modelexport::PaddingOptions{});
    if (*o.pad_to == kLongest) {
      p.length.reset();
    } else {
      p.length = *o.pad_to;
    }
    tokenizer.set_padding(p);
  }
}

// One encoding as JSON, "decoded" included; with `overflowing`, also its overflowing parts
// when there are any (tokenizers' encodings always have the list, mostly empty).
nlohmann::json to_json(const modelexport::Tokenizer& tokenizer, const modelexport::Encoding& e,
                       bool skip_special_tokens, bool overflowing) {
  auto nullable = [](const std::vector<std::int64_t>& v) {
    nlohmann::json out = nlohmann::json::array();
    for (std::int64_t x : v) out.push_back(x < 0 ? nlohmann::json() : nlohmann::json(x));
    return out;
  };
  nlohmann::json offsets = nlohmann::json::array();
  for (const auto& [start, end] : e.offsets) offsets.push_back({start, end});
  nlohmann::json out{{"ids", e.ids},
                     {"type_ids", e.type_ids},
                     {"tokens", e.tokens},
                     {"offsets", offsets},
                     {"special_tokens_mask", e.special_tokens_mask},
                     {"attention_mask", e.attention_mask},
                     {"word_ids", nullable(e.word_ids)},
                     {"sequence_ids", nullable(e.sequence_ids)},
                     {"decoded", tokenizer.decode(e.ids, skip_special_tokens)}};
  if (overflowing && !e.overflowing.empty()) {
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& part : e.overflowing) {
      parts.push_back(to_json(tokenizer, part, skip_special_tokens, true));
    }
    out["overflowing"] = std::move(parts);
  }
  return out;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Encodes one batch; returns the number of failed lines.
std::size_t run_batch(const modelexport::Tokenizer& tokenizer, const Options& o,
                      const std::vector<std::string>& lines) {
  std::vector<std::optional<std::string>> errors(lines.size());
  std::vector<std::pair<std::string, std::string>> pairs;
  if (o.pairs) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::size_t tab = lines[i].find('\t');
      if (tab == std::string::npos) {
        errors[i] = "line has no tab (--pairs expects FIRST<TAB>SECOND)";
        pairs.emplace_back();
      } else {
        pairs.emplace_back(lines[i].substr(0, tab), lines[i].substr(tab + 1));
      }
    }
  }
  std::vector<modelexport::Encoding> encodings;
  bool batch_ok = true;
  try {
    encodings = o.pairs ? tokenizer.encode_batch(pairs, o.add_special_tokens)
                        : tokenizer.encode_batch(lines, o.add_special_tokens);
    for (const auto& error : errors) batch_ok = batch_ok && !error;
  } catch (const std::exception&) {
    batch_ok = false;
  }
  if (!batch_ok) {
    // Like tokenizers, one failing input fails its batch: report each line on its own.
    encodings.assign(lines.size(), modelexport::Encoding{});
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (errors[i]) continue;
      try {
        encodings[i] = o.pairs
                           ? tokenizer.encode(pairs[i].first, pairs[i].second, o.add_special_tokens)
                           : tokenizer.encode(lines[i], std::nullopt, o.add_special_tokens);
        if (lines.size() > 1) errors[i] = "another line of the batch failed";
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  }
  std::size_t failed = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (errors[i]) {
      ++failed;
      std::cout << dump(nlohmann::json{{"error", *errors[i]}}) << '\n';
    } else {
      std::cout << dump(to_json(tokenizer, encodings[i], o.skip_special_tokens, o.overflowing))
                << '\n';
    }
  }
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string program = "modelexport-tokenize";
  CLI::App app(
      "Encodes stdin lines with a tokenizer.json; one compact JSON object per line. Exit codes: 0 "
      "ok, 1 error (a failing line prints {\"error\": ...}), 2 bad usage.",
      program);
  Options options;
  define_options(app, options);
  const std::vector<std::string> args(argv, argv + argc);
  if (const auto code = modelexport::cli::parse_command_line(app, args, std::cout, std::cerr)) {
    return *code;
  }
  const std::size_t batch_size = options.batch_size.value_or(1);
  if (batch_size == 0) {
    return modelexport::cli::report_usage_error(program, "--batch-size must be at least 1",
                                                std::cerr);
  }
  std::ios::sync_with_stdio(false);
  std::size_t failed = 0;
  std::size_t total = 0;
  const int code = modelexport::cli::run_guarded(program, std::cerr, [&] {
    modelexport::Tokenizer tokenizer = modelexport::Tokenizer::from_file(options.tokenizer_path);
    try {
      configure(tokenizer, options);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());  // options the tokenizer rejects (stride past max_length)
    }
    std::vector<std::string> batch;
    std::string line;
    while (std::getline(std::cin, line)) {
      batch.push_back(std::move(line));
      if (batch.size() == batch_size) {
        failed += run_batch(tokenizer, options, batch);
        total += batch.size();
        batch.clear();
      }
    }
    if (!batch.empty()) {
      failed += run_batch(tokenizer, options, batch);
      total += batch.size();
    }
    std::cout.flush();
  });
  if (code != 0) return code;
  if (failed > 0) {
    std::cerr << program << ": error: " << failed << " of " << total << " lines failed\n";
    return 1;
  }
  return 0;
}
