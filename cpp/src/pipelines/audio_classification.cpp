// audio-classification: logits -> softmax / sigmoid by the config, top_k labels from id2label.
#include "pipelines/task_support.h"

namespace modelexport {

TaskInfo audio_classification_task() {
  TaskInfo task = pipelines::audio_task(
      "audio-classification", "AutoModelForAudioClassification", "ORTModelForAudioClassification",
      {"logits"}, {"ForSequenceClassification", "ForAudioClassification"});
  task.options = {
      {"top_k", OptionKind::kCount, Value(5), {}, "labels per clip, best first (default 5)"},
      {"function_to_apply",
       OptionKind::kChoice,
       Value("softmax"),
       {"softmax", "sigmoid", "none"},
       "scores from logits (default softmax)"},
  };
  return task;
}

}  // namespace modelexport
