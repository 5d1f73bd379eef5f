// modelexport-tokenize: encodes stdin lines with a tokenizer.json and prints one compact JSON
// object per line (ids, type_ids, tokens, offsets, masks, word/sequence ids and the decoded
// text; with --overflowing, the parts truncation cut off as "overflowing", a list of the same
// objects), the native counterpart of tokenizers' Tokenizer.encode for scripts and parity tests.
// Exit codes: 0 ok, 1 error (a line that fails prints {"error": ...} and the run exits 1 at
// the end), 2 bad usage.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/tokenizer.h"

namespace {

constexpr const char* kUsage =
    "usage: modelexport-tokenize TOKENIZER_JSON [options] < lines\n"
    "  --pairs                each line is FIRST<TAB>SECOND (a sentence pair)\n"
    "  --max-length N         truncate to N tokens (special tokens included)\n"
    "  --truncation STRATEGY  longest_first (default), only_first or only_second\n"
    "  --truncate-from SIDE   right (default) or left\n"
    "  --stride N             tokens repeated between overflowing parts (needs truncation)\n"
    "  --overflowing          print the parts truncation cut off (\"overflowing\", when any)\n"
    "  --no-truncation        ignore tokenizer.json's truncation\n"
    "  --pad-to N|longest     pad to N tokens, or to the longest of each batch\n"
    "  --no-padding           ignore tokenizer.json's padding\n"
    "  --batch-size N         lines encoded together (matters for --pad-to longest; default 1)\n"
    "  --no-special-tokens    do not add special tokens ([CLS], [SEP], ...)\n"
    "  --keep-special-tokens  keep special tokens in \"decoded\"\n"
    "Lines are split on \\n only; invalid UTF-8 is replaced by U+FFFD.\n";

struct Options {
  std::string tokenizer_path;
  bool pairs = false;
  std::optional<std::size_t> max_length;
  std::optional<std::string> strategy;
  std::optional<std::size_t> stride;
  std::optional<modelexport::Direction> truncate_from;
  bool no_truncation = false;
  std::optional<std::string> pad_to;
  bool no_padding = false;
  std::size_t batch_size = 1;
  bool add_special_tokens = true;
  bool skip_special_tokens = true;
  // Off by default: a pair's parts are all combinations of its sequences' parts, so long
  // inputs truncated short print thousands of them.
  bool overflowing = false;
};

struct UsageError {
  std::string message;
};

std::size_t parse_count(const char* flag, const char* value) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(value, &end, 10);
  if (*value == '\0' || *end != '\0' || errno != 0 || value[0] == '-') {
    throw UsageError{std::string(flag) + " expects a non-negative integer, got '" + value + "'"};
  }
  return static_cast<std::size_t>(n);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) throw UsageError{arg + " needs a value"};
      return argv[++i];
    };
    if (arg == "--pairs") {
      o.pairs = true;
    } else if (arg == "--max-length") {
      o.max_length = parse_count("--max-length", value());
    } else if (arg == "--truncation") {
      o.strategy = value();
    } else if (arg == "--stride") {
      o.stride = parse_count("--stride", value());
    } else if (arg == "--truncate-from") {
      const std::string side = value();
      if (side != "left" && side != "right") {
        throw UsageError{"--truncate-from expects left or right, got '" + side + "'"};
      }
      o.truncate_from =
          side == "left" ? modelexport::Direction::kLeft : modelexport::Direction::kRight;
    } else if (arg == "--overflowing") {
      o.overflowing = true;
    } else if (arg == "--no-truncation") {
      o.no_truncation = true;
    } else if (arg == "--pad-to") {
      o.pad_to = value();
    } else if (arg == "--no-padding") {
      o.no_padding = true;
    } else if (arg == "--batch-size") {
      o.batch_size = parse_count("--batch-size", value());
      if (o.batch_size == 0) throw UsageError{"--batch-size must be at least 1"};
    } else if (arg == "--no-special-tokens") {
      o.add_special_tokens = false;
    } else if (arg == "--keep-special-tokens") {
      o.skip_special_tokens = false;
    } else if (!arg.empty() && arg[0] == '-') {
      throw UsageError{"unknown option " + arg};
    } else if (o.tokenizer_path.empty()) {
      o.tokenizer_path = arg;
    } else {
      throw UsageError{"unexpected argument " + arg};
    }
  }
  if (o.tokenizer_path.empty()) throw UsageError{"missing TOKENIZER_JSON"};
  return o;
}

void configure(modelexport::Tokenizer& tokenizer, const Options& o) {
  if (o.no_truncation) tokenizer.set_truncation(std::nullopt);
  if ((o.stride || o.truncate_from) && !o.max_length && !tokenizer.truncation()) {
    throw UsageError{
        "--stride and --truncate-from need truncation (--max-length N, or "
        "tokenizer.json's)"};
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
    if (*o.pad_to == "longest") {
      p.length.reset();
    } else {
      p.length = parse_count("--pad-to", o.pad_to->c_str());
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
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << kUsage;
      return 0;
    }
  }
  Options options;
  try {
    options = parse_args(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "modelexport-tokenize: " << e.message << "\n" << kUsage;
    return 2;
  }
  std::ios::sync_with_stdio(false);
  try {
    modelexport::Tokenizer tokenizer = modelexport::Tokenizer::from_file(options.tokenizer_path);
    try {
      configure(tokenizer, options);
    } catch (const UsageError& e) {
      std::cerr << "modelexport-tokenize: " << e.message << "\n" << kUsage;
      return 2;
    } catch (const std::invalid_argument& e) {
      std::cerr << "modelexport-tokenize: " << e.what() << "\n" << kUsage;
      return 2;
    }
    std::size_t failed = 0;
    std::size_t total = 0;
    std::vector<std::string> batch;
    std::string line;
    while (std::getline(std::cin, line)) {
      batch.push_back(std::move(line));
      if (batch.size() == options.batch_size) {
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
    if (failed > 0) {
      std::cerr << "error: " << failed << " of " << total << " lines failed\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
