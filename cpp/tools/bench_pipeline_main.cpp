// modelexport-bench-pipeline: per-call latency of a native pipeline, in process.
// Usage: modelexport-bench-pipeline PACKAGE TEXTS_FILE [CALLS] [THREADS]
// Each call runs one text (batch 1), cycling through TEXTS_FILE (one text per line).
// Prints one JSON line: task, calls, mean/median/p90 milliseconds.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: modelexport-bench-pipeline PACKAGE TEXTS_FILE [CALLS] [THREADS]\n";
    return 2;
  }
  try {
    std::vector<modelexport::TextInput> texts;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) texts.push_back({line, std::nullopt});
    if (texts.empty()) throw std::invalid_argument(std::string(argv[2]) + ": no texts");
    const int calls = argc > 3 ? std::stoi(argv[3]) : 200;
    if (calls < 1) throw std::invalid_argument("CALLS must be at least 1");
    modelexport::PipelineOptions options;
    options.session.intra_op_threads = argc > 4 ? std::stoi(argv[4]) : 0;
    const std::string task = modelexport::Package::open(argv[1]).task();

    std::function<void(const modelexport::TextInput&)> call;
    std::optional<modelexport::TextClassificationPipeline> classifier;
    std::optional<modelexport::FeatureExtractionPipeline> extractor;
    if (task == "text-classification") {
      classifier.emplace(argv[1], options);
      call = [&](const modelexport::TextInput& t) { (*classifier)({t}); };
    } else if (task == "feature-extraction") {
      extractor.emplace(argv[1], options);
      call = [&](const modelexport::TextInput& t) { (*extractor)({t}); };
    } else {
      throw std::invalid_argument("no native pipeline for task " + task);
    }
    for (int i = 0; i < 5; ++i) call(texts[static_cast<std::size_t>(i) % texts.size()]);  // warm-up
    std::vector<double> ms;
    for (int i = 0; i < calls; ++i) {
      auto start = std::chrono::steady_clock::now();
      call(texts[static_cast<std::size_t>(i) % texts.size()]);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    double mean = 0;
    for (double v : ms) mean += v;
    mean /= static_cast<double>(ms.size());
    std::sort(ms.begin(), ms.end());
    nlohmann::json out = {{"task", task},
                          {"calls", calls},
                          {"mean_ms", mean},
                          {"median_ms", ms[ms.size() / 2]},
                          {"p90_ms", ms[ms.size() * 9 / 10]}};
    std::cout << out.dump() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
