// Pipelines over a package: the task, the processor and the input shapes all come from the
// package (Package -> Processor -> Session -> Pipeline). create_pipeline() is the one factory;
// every front end (both run commands, Python, the benchmark tool) goes through it and gets the
// results transformers' pipeline returns, as Values. Typed per-task APIs for C++ callers are in
// modelexport/pipelines/*.h.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "modelexport/audio_decode.h"
#include "modelexport/image_decode.h"
#include "modelexport/session.h"
#include "modelexport/task.h"
#include "modelexport/value.h"

namespace modelexport {

class Package;

struct PipelineOptions {
  std::string task;  // empty: the package's task
  SessionOptions session;
  // Runs per batch for models with a dynamic batch axis (a fixed batch size wins).
  std::size_t max_batch_size = 16;
  // Image inputs: the decompression-bomb limit (ImageDecodeOptions::max_pixels).
  ImageDecodeOptions image_decode;
  // Audio inputs: the length limit (AudioDecodeOptions::max_seconds); the rate is the model's.
  AudioDecodeOptions audio_decode;
};

// The one exception type of pipeline calls: a bad input or option (what and where). Errors of
// the model run itself stay std::runtime_error.
class PipelineError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Pipeline {
 public:
  Pipeline(const TaskInfo& task, std::shared_ptr<const Package> package);
  virtual ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  const TaskInfo& task() const { return task_; }
  const Package& package() const { return *package_; }
  std::shared_ptr<const Package> shared_package() const { return package_; }

  // Calls like transformers' pipeline: `inputs` is one input or a list of them (null when the
  // options carry the inputs, as question-answering's question/context do); the result is
  // that input's result, or the list of results. Options are an object checked against the
  // task's schema (unknown names, wrong kinds -> PipelineError). Thread-safe.
  Value operator()(const Value& inputs, const Value& options = Value::object()) const;

  // One result per input, each as transformers returns it for that input: `inputs` as for
  // operator() (a list, or null when the options carry them), the results never unwrapped.
  // What the command line prints, one line each. Thread-safe.
  std::vector<Value> run(const Value& inputs, const Value& options = Value::object()) const;

  // `options` checked against the schema, with defaults filled in for the options not given.
  Value checked_options(const Value& options) const;

 protected:
  // The task's work: one result per input; `options` are checked and complete.
  virtual std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                         const Value& options) const = 0;
  // The inputs of a call: by default `inputs` itself when it is one input (not a list), else
  // its elements; `single` tells whether one input was given.
  virtual std::vector<Value> gather_inputs(const Value& inputs, const Value& options,
                                           bool& single) const;
  // The call's result for a single input; by default its only result.
  virtual Value single_result(Value result, const Value& input, const Value& options) const;

 private:
  TaskInfo task_;
  std::shared_ptr<const Package> package_;
};

// The pipeline for the package's task (or options.task). Throws std::invalid_argument naming
// the file for a package that cannot be opened or a task without a native pipeline.
std::unique_ptr<Pipeline> create_pipeline(std::shared_ptr<const Package> package,
                                          const PipelineOptions& options = {});
std::unique_ptr<Pipeline> create_pipeline(const std::string& package_path,
                                          const PipelineOptions& options = {});

}  // namespace modelexport
