// modelexport-bench-tokenizer: times Tokenizer::encode_batch (one thread) over a corpus file.
// Usage: modelexport-bench-tokenizer TOKENIZER_JSON CORPUS [--repeat N] [--warmup N]
//                                    [--batch-size N] [--keep-config]
// CORPUS holds one input per line (split on \n only). Truncation and padding are switched off
// unless --keep-config, so that the model pipeline itself is timed. Prints one JSON object:
// sizes, the seconds of every timed repetition, best/median and bytes/tokens per second.
// Loading the tokenizer and reading the corpus are not timed; bench/bench_tokenizer_throughput.py
// runs it next to Hugging Face tokenizers on the same corpus.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "modelexport/tokenizer.h"

namespace {

constexpr const char* kUsage =
    "usage: modelexport-bench-tokenizer TOKENIZER_JSON CORPUS [--repeat N] [--warmup N]\n"
    "                                   [--batch-size N] [--keep-config]\n";

struct Options {
  std::string tokenizer_path;
  std::string corpus_path;
  int repeat = 5;
  int warmup = 1;
  std::size_t batch_size = 0;  // 0: the whole corpus in one batch
  bool keep_config = false;
};

int parse_int(const std::string& flag, const char* value, int minimum) {
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (*value == '\0' || *end != '\0' || n < minimum || n > 1'000'000) {
    throw std::invalid_argument(flag + " expects an integer >= " + std::to_string(minimum));
  }
  return static_cast<int>(n);
}

Options parse_args(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--repeat") {
      o.repeat = parse_int(arg, value(), 1);
    } else if (arg == "--warmup") {
      o.warmup = parse_int(arg, value(), 0);
    } else if (arg == "--batch-size") {
      o.batch_size = static_cast<std::size_t>(parse_int(arg, value(), 0));
    } else if (arg == "--keep-config") {
      o.keep_config = true;
    } else if (!arg.empty() && arg[0] == '-') {
      throw std::invalid_argument("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) throw std::invalid_argument("expected TOKENIZER_JSON and CORPUS");
  o.tokenizer_path = positional[0];
  o.corpus_path = positional[1];
  return o;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(std::move(line));
  return lines;
}

// Encodes every line once, in batches; returns the number of tokens produced.
std::size_t encode_all(const modelexport::Tokenizer& tokenizer,
                       const std::vector<std::vector<std::string>>& batches) {
  std::size_t tokens = 0;
  for (const auto& batch : batches) {
    for (const auto& encoding : tokenizer.encode_batch(batch)) tokens += encoding.size();
  }
  return tokens;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse_args(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << "modelexport-bench-tokenizer: " << e.what() << "\n" << kUsage;
    return 2;
  }
  try {
    modelexport::Tokenizer tokenizer = modelexport::Tokenizer::from_file(options.tokenizer_path);
    if (!options.keep_config) {
      tokenizer.set_truncation(std::nullopt);
      tokenizer.set_padding(std::nullopt);
    }
    const std::vector<std::string> lines = read_lines(options.corpus_path);
    std::size_t bytes = 0;
    for (const auto& line : lines) bytes += line.size();
    // Batches are built before timing: copying strings is not the tokenizer's work.
    std::vector<std::vector<std::string>> batches;
    const std::size_t step = options.batch_size == 0 ? lines.size() : options.batch_size;
    for (std::size_t start = 0; start < lines.size(); start += step) {
      const std::size_t end = std::min(lines.size(), start + step);
      batches.emplace_back(lines.begin() + static_cast<std::ptrdiff_t>(start),
                           lines.begin() + static_cast<std::ptrdiff_t>(end));
    }
    std::size_t tokens = 0;
    for (int i = 0; i < options.warmup; ++i) tokens = encode_all(tokenizer, batches);
    std::vector<double> seconds;
    for (int i = 0; i < options.repeat; ++i) {
      const auto start = std::chrono::steady_clock::now();
      tokens = encode_all(tokenizer, batches);
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const double best = *std::min_element(seconds.begin(), seconds.end());
    const double mid = median(seconds);
    const nlohmann::json report{
        {"tokenizer", options.tokenizer_path},
        {"corpus", options.corpus_path},
        {"lines", lines.size()},
        {"bytes", bytes},
        {"tokens", tokens},
        {"batch_size", step},
        {"warmup", options.warmup},
        {"seconds", seconds},
        {"best_s", best},
        {"median_s", mid},
        {"bytes_per_s_best", static_cast<double>(bytes) / best},
        {"bytes_per_s_median", static_cast<double>(bytes) / mid},
        {"tokens_per_s_median", static_cast<double>(tokens) / mid},
    };
    std::cout << report.dump() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
