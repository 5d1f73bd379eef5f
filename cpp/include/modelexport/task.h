// The task registry: every pipeline task is described once, in its own source file, and listed
// once in cpp/src/pipelines/registry.cpp. Everything else reads it: task detection, the
// exporter's head and output names, the Optimum class, both run commands (their options are
// generated from the option schema), create_pipeline() and the Python layer through the
// bindings. Adding a task: docs/adding_a_task.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "modelexport/value.h"

namespace modelexport {

class Package;
class Pipeline;
struct PipelineOptions;

// What kind of value an option takes; the command line and the Python bindings check and
// convert by it.
enum class OptionKind {
  kCount,        // a non-negative integer
  kCountOrAll,   // a non-negative integer, or null (command line: "all") for no limit
  kNumber,       // a finite number (thresholds)
  kFlag,         // a bool
  kChoice,       // one of `choices`
  kText,         // a string
  kTextOrTexts,  // a string or a list of strings (command line: one string)
  kTexts,        // a list of strings (command line: A,B,...)
  kValue,        // any value the task checks itself (an image, word boxes); Python only
};

// One call option of a task, named as the transformers pipeline names the keyword argument
// (the command line spells it --top-k for top_k).
struct TaskOption {
  std::string name;
  OptionKind kind = OptionKind::kCount;
  // Used when the option is not given; null when "not given" has its own meaning (the help
  // text says which).
  Value default_value;
  std::vector<std::string> choices;  // kChoice
  std::string help;
};

using PipelineFactory = std::unique_ptr<Pipeline> (*)(std::shared_ptr<const Package> package,
                                                      const PipelineOptions& options);

struct TaskInfo {
  std::string name;       // transformers' pipeline task name
  std::string modality;   // "text", "image", "audio" or "document"
  std::string processor;  // the processor_type that prepares inputs: "tokenizer", "image", "audio"
  std::string auto_model_class;      // the transformers class that loads the head
  std::string ort_model_class;       // Optimum's ORTModelFor* class for the package
  std::vector<std::string> outputs;  // graph output names, as Optimum names them
  // config.json `architectures[0]` endings that mean this task (most specific tasks first).
  std::vector<std::string> architecture_suffixes;
  bool text_pairs = false;  // inputs are (question, context) pairs
  std::string input_help;   // what one input is, for --help and error messages
  std::vector<TaskOption> options;
  PipelineFactory create = nullptr;
};

// Every task, in display order.
const std::vector<TaskInfo>& task_registry();

// The task called `name`, or nullptr.
const TaskInfo* find_task(std::string_view name);

// The option of `task` called `name`, or nullptr.
const TaskOption* find_option(const TaskInfo& task, std::string_view name);

}  // namespace modelexport
