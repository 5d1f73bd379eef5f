// Per-module latency profiles: a package's pipeline run under ONNX Runtime's profiler, each
// node's kernel time attributed to the module its hierarchy tags name (nodes ONNX Runtime fused
// get the common module of the nodes they replaced), as a module tree with total and self times
// and a Chrome trace grouped by module. What `modelexport profile` prints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "modelexport/session.h"
#include "modelexport/value.h"

namespace modelexport {

// What the profiled sessions of a run record; a Session opened with SessionOptions::profiler
// set registers here, has ONNX Runtime write its trace and optimized graph into directory(),
// and reports the wall time of every Run. Thread-safe.
class ProfileRecorder {
 public:
  // `directory` must exist; the caller removes it.
  explicit ProfileRecorder(std::string directory);

  struct SessionRecord {
    std::string model_path;
    std::string trace_prefix;               // ONNX Runtime's profile file prefix
    std::string optimized_model_path;       // the graph ONNX Runtime ran, as it wrote it
    std::string trace_path;                 // ONNX Runtime's trace, once the session ended
    std::vector<std::int64_t> run_wall_ns;  // each Run of the session, in order
  };

  const std::string& directory() const { return directory_; }
  // Registers a session about to open `model_path`; returns its index.
  std::size_t add_session(const std::string& model_path);
  void add_run(std::size_t session, std::int64_t wall_ns);
  void set_trace(std::size_t session, const std::string& trace_path);
  std::vector<SessionRecord> sessions() const;

 private:
  std::string directory_;
  mutable std::mutex mutex_;
  std::vector<SessionRecord> sessions_;
};

struct ProfileOptions {
  std::size_t runs = 10;  // profiled pipeline calls, after one warm-up call
  int intra_op_threads = 0;
  int inter_op_threads = 0;
  // The level the pipelines run with (SessionOptions' default), so the profile shows the graph
  // that runs in production.
  GraphOptimization optimization = GraphOptimization::kAll;
  // Where to write the Chrome trace (chrome://tracing, Perfetto); empty: none.
  std::string trace_path;
  // Chrome trace: one track per module at this depth of the tree (containers not counted);
  // nodes of shallower modules on their module's track.
  int trace_depth = 3;
};

// Profiles the package's pipeline on `inputs` (as Pipeline::run takes them; null: a default
// input for text tasks) and returns the profile as a compact JSON document: totals per call
// (measured Run wall time, ONNX Runtime's run time, the sum of node kernel times and its
// coverage of the wall time), how each executed node got its module, the module tree with
// total/self microseconds per call and their share of the measured run time, and the slowest
// nodes. Throws std::invalid_argument for a package without hierarchy tags or bad inputs.
std::string profile_package_json(const std::string& package_path, const Value& inputs,
                                 const ProfileOptions& options);

}  // namespace modelexport
