// `modelexport profile`: the pipeline under ONNX Runtime's profiler, node times attributed to
// modules (see modelexport/profile.h and attribution.h).
#include "modelexport/profile.h"

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"
#include "onnx/model_access.h"
#include "profile/attribution.h"
#include "text/json_document.h"

namespace modelexport {

ProfileRecorder::ProfileRecorder(std::string directory) : directory_(std::move(directory)) {}

std::size_t ProfileRecorder::add_session(const std::string& model_path) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t index = sessions_.size();
  const std::string stem = directory_ + "/session" + std::to_string(index);
  sessions_.push_back({model_path, stem, stem + ".optimized.onnx", "", {}});
  return index;
}

void ProfileRecorder::add_run(std::size_t session, std::int64_t wall_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.at(session).run_wall_ns.push_back(wall_ns);
}

void ProfileRecorder::set_trace(std::size_t session, const std::string& trace_path) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.at(session).trace_path = trace_path;
}

std::vector<ProfileRecorder::SessionRecord> ProfileRecorder::sessions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_;
}

namespace {

using nlohmann::json;
using profile::ModuleIndex;

// A temporary folder for ONNX Runtime's files, removed with everything in it.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "modelexport-profile-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary folder for the profile");
    }
    path_ = pattern;
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read ONNX Runtime's profile");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One event of ONNX Runtime's trace that the profile uses.
struct TraceEvent {
  std::string name;  // node name (kernel events) or "model_run"
  std::string op;
  std::int64_t ts = 0;  // microseconds since the profiler started
  std::int64_t dur = 0;
};

struct SessionTrace {
  std::vector<TraceEvent> runs;     // model_run, in order
  std::vector<TraceEvent> kernels;  // node kernel times, in order
};

// ONNX Runtime writes a JSON array of Chrome-trace "X" events; a node's kernel event is named
// "<node>_kernel_time" (its fences "_fence_before"/"_fence_after" are not kernel time), a Run
// is "model_run".
SessionTrace read_trace(const std::string& path) {
  const json events =
      text::parse_json_document<json>(read_text(path), path, text::JsonNumbers::kCorrectlyRounded);
  if (!events.is_array()) throw std::runtime_error(path + ": not an ONNX Runtime trace");
  static const std::string kKernel = "_kernel_time";
  SessionTrace trace;
  for (const auto& event : events) {
    if (!event.is_object() || !event.contains("name") || !event["name"].is_string()) continue;
    const std::string name = event["name"].get<std::string>();
    TraceEvent parsed;
    parsed.ts = event.value("ts", std::int64_t{0});
    parsed.dur = event.value("dur", std::int64_t{0});
    const std::string category = event.value("cat", std::string());
    if (category == "Session" && name == "model_run") {
      parsed.name = name;
      trace.runs.push_back(parsed);
    } else if (category == "Node" && name.size() >= kKernel.size() &&
               name.compare(name.size() - kKernel.size(), kKernel.size(), kKernel) == 0) {
      parsed.name = name.substr(0, name.size() - kKernel.size());
      const auto args = event.find("args");
      if (args != event.end() && args->is_object()) parsed.op = args->value("op_name", "");
      trace.kernels.push_back(std::move(parsed));
    }
  }
  std::sort(trace.runs.begin(), trace.runs.end(),
            [](const TraceEvent& a, const TraceEvent& b) { return a.ts < b.ts; });
  return trace;
}

Value default_inputs(const TaskInfo& task) {
  static const char* kText =
      "Profiling shows where a model spends its time, module by module, on a typical sentence.";
  if (task.name == "question-answering") {
    return Value(Value::Array{Value::object(
        {{"question", "What does profiling show?"},
         {"context", "Profiling shows where a model spends its time, module by module."}})});
  }
  if (task.modality == "text") return Value(Value::Array{Value(kText)});
  throw std::invalid_argument(task.name + " takes " + task.modality +
                              " inputs: give one to profile with (there is no default)");
}

const char* level_name(GraphOptimization level) {
  switch (level) {
    case GraphOptimization::kDisabled:
      return "disabled";
    case GraphOptimization::kBasic:
      return "basic";
    case GraphOptimization::kExtended:
      return "extended";
    case GraphOptimization::kAll:
      return "all";
  }
  return "all";
}

struct ModuleTime {
  double self_us = 0;
  double total_us = 0;
  std::size_t nodes = 0;  // distinct executed nodes attributed to the module itself
};

}  // namespace

std::string profile_package_json(const std::string& package_path, const Value& inputs,
                                 const ProfileOptions& options) {
  if (options.runs == 0) throw std::invalid_argument("runs must be at least 1");
  TemporaryFolder folder;
  auto recorder = std::make_shared<ProfileRecorder>(folder.path());
  auto package = std::make_shared<const Package>(Package::open(package_path));
  PipelineOptions pipeline_options;
  pipeline_options.session.intra_op_threads = options.intra_op_threads;
  pipeline_options.session.inter_op_threads = options.inter_op_threads;
  pipeline_options.session.optimization = options.optimization;
  pipeline_options.session.profiler = recorder;
  auto pipeline = create_pipeline(package, pipeline_options);
  const Value given = inputs.is_null() ? default_inputs(pipeline->task()) : inputs;
  const std::size_t input_count = given.is_array() ? given.as_array().size() : 1;

  pipeline->run(given);  // warm-up: the first Run allocates and tunes; it is not profiled
  std::vector<std::size_t> warmup_runs;
  for (const auto& record : recorder->sessions()) warmup_runs.push_back(record.run_wall_ns.size());
  for (std::size_t i = 0; i < options.runs; ++i) pipeline->run(given);
  pipeline.reset();  // ends profiling: ONNX Runtime writes the traces

  const std::string hierarchy_name = "model_hierarchy.json";
  ModuleIndex modules(
      package->has_file(hierarchy_name) ? package->file_contents(hierarchy_name) : "",
      package->file_origin(hierarchy_name));

  const double calls = static_cast<double>(options.runs);
  double wall_us = 0, ort_run_us = 0, node_us = 0;
  std::size_t session_runs = 0;
  std::map<std::string, std::size_t> rule_counts{
      {"same_name", 0}, {"fused", 0}, {"inherited", 0}, {"root", 0}};
  std::map<int, ModuleTime> times;
  struct NodeTime {
    std::string name, op, module;
    double us = 0;
  };
  std::map<std::pair<std::size_t, std::string>, NodeTime> node_times;
  json trace_events = json::array();
  std::map<std::string, int> tracks;
  std::size_t executed_nodes = 0;

  const auto records = recorder->sessions();
  for (std::size_t s = 0; s < records.size(); ++s) {
    const auto& record = records[s];
    if (record.trace_path.empty()) {
      throw std::runtime_error(record.model_path + ": ONNX Runtime wrote no profile");
    }
    const SessionTrace trace = read_trace(record.trace_path);
    const std::size_t skip = warmup_runs[s];
    if (trace.runs.size() != record.run_wall_ns.size()) {
      throw std::runtime_error(record.trace_path + ": " + std::to_string(trace.runs.size()) +
                               " runs in ONNX Runtime's trace, " +
                               std::to_string(record.run_wall_ns.size()) + " measured");
    }
    if (trace.runs.size() == skip) continue;  // a side graph this input never ran
    for (std::size_t r = skip; r < record.run_wall_ns.size(); ++r) {
      wall_us += static_cast<double>(record.run_wall_ns[r]) / 1000.0;
      ort_run_us += static_cast<double>(trace.runs[r].dur);
      ++session_runs;
    }
    const std::int64_t first_kept = trace.runs[skip].ts;

    const OnnxModel tagged = OnnxModel::load(record.model_path);
    const OnnxModel executed = OnnxModel::load(record.optimized_model_path);
    const auto attribution = profile::attribute_nodes(
        OnnxModelAccess::proto(tagged).graph(), OnnxModelAccess::proto(executed).graph(), modules);
    for (const auto& [name, node] : attribution) ++rule_counts[profile::rule_name(node.rule)];
    executed_nodes += attribution.size();

    std::set<std::string> unlisted;
    const int pid = static_cast<int>(s) + 1;
    trace_events.push_back(
        {{"ph", "M"},
         {"name", "process_name"},
         {"pid", pid},
         {"args", {{"name", std::filesystem::path(record.model_path).filename().string()}}}});
    for (std::size_t r = skip; r < trace.runs.size(); ++r) {
      trace_events.push_back({{"ph", "X"},
                              {"name", "model_run"},
                              {"cat", "run"},
                              {"pid", pid},
                              {"tid", 0},
                              {"ts", trace.runs[r].ts},
                              {"dur", trace.runs[r].dur}});
    }
    for (const auto& kernel : trace.kernels) {
      if (kernel.ts < first_kept) continue;
      const auto found = attribution.find(kernel.name);
      std::string module = found == attribution.end() ? "" : found->second.module;
      if (found == attribution.end() && unlisted.insert(kernel.name).second) {
        ++rule_counts["root"];  // a node missing from the written graph: the root's
        ++executed_nodes;
      }
      const int index = modules.add(module);
      const double us = static_cast<double>(kernel.dur);
      ModuleTime& time = times[index];
      time.self_us += us;
      node_us += us;
      NodeTime& node = node_times[{s, kernel.name}];
      if (node.name.empty()) {
        node = {kernel.name, kernel.op, module, 0};
        ++time.nodes;
      }
      node.us += us;
      // The trace track: the module's ancestor at trace_depth.
      int track = index;
      while (modules.depth(track) > options.trace_depth) track = modules.at(track).parent;
      while (modules.at(track).container && modules.at(track).parent >= 0) {
        track = modules.at(track).parent;
      }
      const std::string& track_name = modules.at(track).path;
      auto [entry, added] = tracks.emplace(track_name, static_cast<int>(tracks.size()) + 1);
      if (added) {
        trace_events.push_back({{"ph", "M"},
                                {"name", "thread_name"},
                                {"pid", pid},
                                {"tid", entry->second},
                                {"args", {{"name", track_name.empty() ? "(root)" : track_name}}}});
        trace_events.push_back({{"ph", "M"},
                                {"name", "thread_sort_index"},
                                {"pid", pid},
                                {"tid", entry->second},
                                {"args", {{"sort_index", entry->second}}}});
      }
      trace_events.push_back(
          {{"ph", "X"},
           {"name", kernel.name},
           {"cat", kernel.op},
           {"pid", pid},
           {"tid", entry->second},
           {"ts", kernel.ts},
           {"dur", kernel.dur},
           {"args",
            {{"module", module},
             {"op", kernel.op},
             {"attributed_by",
              found == attribution.end() ? "root" : profile::rule_name(found->second.rule)}}}});
    }
  }

  // Totals: each module's self time plus its children's, bottom-up (children come after their
  // parents in the index).
  std::vector<ModuleTime> all(static_cast<std::size_t>(modules.size()));
  for (const auto& [index, time] : times) all[static_cast<std::size_t>(index)] = time;
  for (int i = modules.size() - 1; i >= 0; --i) {
    auto& time = all[static_cast<std::size_t>(i)];
    time.total_us += time.self_us;
    const int parent = modules.at(i).parent;
    if (parent >= 0) all[static_cast<std::size_t>(parent)].total_us += time.total_us;
  }
  const auto per_call = [&](double us) { return us / calls; };
  const auto share = [&](double us) { return wall_us > 0 ? us / wall_us : 0.0; };
  std::function<json(int)> tree = [&](int index) {
    const auto& time = all[static_cast<std::size_t>(index)];
    json children = json::array();
    for (const int child : modules.at(index).children) {
      if (all[static_cast<std::size_t>(child)].total_us > 0) children.push_back(tree(child));
    }
    return json{{"path", modules.at(index).path},
                {"class", modules.at(index).class_name},
                {"total_us", per_call(time.total_us)},
                {"self_us", per_call(time.self_us)},
                {"share", share(time.total_us)},
                {"self_share", share(time.self_us)},
                {"nodes", time.nodes},
                {"children", std::move(children)}};
  };

  std::vector<NodeTime> slowest;
  for (auto& [key, node] : node_times) slowest.push_back(node);
  std::sort(slowest.begin(), slowest.end(),
            [](const NodeTime& a, const NodeTime& b) { return a.us > b.us; });
  if (slowest.size() > 10) slowest.resize(10);
  json top = json::array();
  for (const auto& node : slowest) {
    top.push_back({{"name", node.name},
                   {"op", node.op},
                   {"module", node.module},
                   {"us", per_call(node.us)},
                   {"share", share(node.us)}});
  }

  if (!options.trace_path.empty()) {
    std::ofstream out(options.trace_path, std::ios::binary | std::ios::trunc);
    out << json{{"traceEvents", trace_events}, {"displayTimeUnit", "ms"}}.dump();
    if (!out.flush()) throw std::runtime_error(options.trace_path + ": cannot write the trace");
  }

  const json report = {{"package", package->model_path()},
                       {"task", package->task()},
                       {"inputs", input_count},
                       {"calls", options.runs},
                       {"session_runs", session_runs},
                       {"optimization", level_name(options.optimization)},
                       {"intra_op_threads", options.intra_op_threads},
                       {"inter_op_threads", options.inter_op_threads},
                       {"run_wall_us", per_call(wall_us)},
                       {"ort_run_us", per_call(ort_run_us)},
                       {"node_us", per_call(node_us)},
                       {"outside_nodes_us", per_call(wall_us - node_us)},
                       {"coverage", share(node_us)},
                       {"executed_nodes", executed_nodes},
                       {"attribution", rule_counts},
                       {"tree", tree(0)},
                       {"slowest_nodes", top},
                       {"trace", options.trace_path}};
  return report.dump();
}

}  // namespace modelexport
