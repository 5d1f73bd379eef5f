// image-classification: logits -> softmax / sigmoid by the config, top_k labels from id2label.
#include "pipelines/task_support.h"

namespace modelexport {

TaskInfo image_classification_task() {
  TaskInfo task = pipelines::image_task(
      "image-classification", "AutoModelForImageClassification", "ORTModelForImageClassification",
      {"logits"}, {"ForImageClassification", "ForImageClassificationWithTeacher"});
  task.options = {
      {"top_k", OptionKind::kCount, Value(5), {}, "labels per image, best first (default 5)"},
      {"function_to_apply",
       OptionKind::kChoice,
       Value(),
       {"default", "softmax", "sigmoid", "none"},
       "scores from logits (default: by the config's problem_type and label count)"},
  };
  return task;
}

}  // namespace modelexport
