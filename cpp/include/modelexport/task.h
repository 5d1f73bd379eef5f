// The task registry: every pipeline task is described once, here, and everything else (task
// detection, the exporter's head and output names, the Optimum class, the command line, the
// Python layer through the bindings) reads it. Adding a task: docs/adding_a_task.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace modelexport {

struct TaskInfo {
  std::string name;                  // transformers' pipeline task name
  std::string modality;              // "text" (image and audio to come)
  std::string processor;             // what prepares inputs: "tokenizer"
  std::string auto_model_class;      // the transformers class that loads the head
  std::string ort_model_class;       // Optimum's ORTModelFor* class for the package
  std::vector<std::string> outputs;  // graph output names, as Optimum names them
  // config.json `architectures[0]` endings that mean this task (most specific tasks first).
  std::vector<std::string> architecture_suffixes;
  bool text_pairs = false;  // inputs are (question, context) pairs
};

// Every task, in display order.
const std::vector<TaskInfo>& task_registry();

// The task called `name`, or nullptr.
const TaskInfo* find_task(std::string_view name);

}  // namespace modelexport
