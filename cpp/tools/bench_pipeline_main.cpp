// modelexport-bench-pipeline: per-call latency of a package's native pipeline, in process.
// Each call runs one input (batch 1), cycling through the inputs file; prints one JSON line:
// task, calls, mean/median/p90 milliseconds.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/input_lines.h"
#include "cli/usage_error.h"
#include "modelexport/limits.h"
#include "modelexport/pipeline.h"

int main(int argc, char** argv) {
  using namespace modelexport;
  const std::vector<std::string> args(argv, argv + argc);
  CLI::App app("Per-call latency of a package's native pipeline (batch 1), in process.",
               "modelexport-bench-pipeline");
  std::string package;
  std::string inputs_file;
  std::optional<std::size_t> calls;
  int threads = 0;
  app.add_option("PACKAGE", package, "package directory or its model.onnx")->required();
  app.add_option("INPUTS", inputs_file,
                 "JSON lines, one input each (as modelexport-run --input-file reads them)")
      ->required();
  cli::add_count_option(app, "--calls", calls, "timed calls (default 200)");
  app.add_option("--threads", threads, "ONNX Runtime intra-op threads (0: its default)")
      ->check(CLI::Range(0, limits::max_threads()));
  if (const auto code = cli::parse_command_line(app, args, std::cout, std::cerr)) return *code;

  return cli::run_guarded(app.get_name(), std::cerr, [&] {
    const std::vector<Value> inputs = cli::read_input_lines(inputs_file);
    if (inputs.empty()) throw cli::UsageError(inputs_file + ": no inputs");
    const std::size_t count = calls.value_or(200);
    if (count == 0) throw cli::UsageError("--calls must be at least 1");
    PipelineOptions options;
    options.session.intra_op_threads = threads;
    const auto pipeline = create_pipeline(package, options);
    auto call = [&](std::size_t i) { (*pipeline)(inputs[i % inputs.size()]); };
    for (std::size_t i = 0; i < 5; ++i) call(i);  // warm-up
    std::vector<double> ms;
    for (std::size_t i = 0; i < count; ++i) {
      const auto start = std::chrono::steady_clock::now();
      call(i);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    double mean = 0;
    for (double v : ms) mean += v;
    mean /= static_cast<double>(ms.size());
    std::sort(ms.begin(), ms.end());
    const nlohmann::json out = {{"task", pipeline->task().name},
                                {"calls", count},
                                {"mean_ms", mean},
                                {"median_ms", ms[ms.size() / 2]},
                                {"p90_ms", ms[ms.size() * 9 / 10]}};
    std::cout << out.dump() << "\n";
  });
}
