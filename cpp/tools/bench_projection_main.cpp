// modelexport-bench-projection: times the hierarchy projection (C++ core) on an exported model.
// Usage: modelexport-bench-projection RAW.onnx MODULES.json [REPEATS]
// MODULES.json: [[path, class, own_parameters, container], ...] as the exporter captures them.
// Prints one JSON line: nodes, statistics and the best/median projection seconds (load and
// save excluded: each repeat projects a fresh copy parsed beforehand).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "modelexport/atomic_file.h"
#include "modelexport/hierarchy.h"
#include "modelexport/onnx_model.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: modelexport-bench-projection RAW.onnx MODULES.json [REPEATS]\n";
    return 2;
  }
  try {
    const int repeats = argc > 3 ? std::stoi(argv[3]) : 5;
    if (repeats < 1) throw std::invalid_argument("REPEATS must be at least 1");
    const std::string bytes = modelexport::read_file(argv[1]);
    std::vector<modelexport::ModuleInfo> modules;
    for (const auto& entry : nlohmann::json::parse(modelexport::read_file(argv[2]))) {
      modules.push_back({entry[0].get<std::string>(), entry[1].get<std::string>(),
                         entry[2].get<std::int64_t>(), entry[3].get<bool>()});
    }
    std::vector<double> seconds;
    modelexport::ProjectionStats stats;
    for (int i = 0; i < repeats; ++i) {
      modelexport::OnnxModel model = modelexport::OnnxModel::parse(bytes, argv[1]);
      auto start = std::chrono::steady_clock::now();
      modelexport::project_hierarchy(model, modules, {}, &stats);
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    nlohmann::json out = {
        {"nodes", stats.total_nodes},      {"direct", stats.direct},
        {"inherited", stats.inherited},    {"root_fallback", stats.root_fallback},
        {"modules", modules.size()},       {"repeats", repeats},
        {"best_seconds", seconds.front()}, {"median_seconds", seconds[seconds.size() / 2]}};
    std::cout << out.dump() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
