// The task registry (see modelexport/task.h): one entry per task.
#include "modelexport/task.h"

namespace modelexport {

const std::vector<TaskInfo>& task_registry() {
  static const std::vector<TaskInfo> tasks = {
      {"feature-extraction",
       "text",
       "tokenizer",
       "AutoModel",
       "ORTModelForFeatureExtraction",
       {"last_hidden_state"},
       {"Model"},
       false},
      {"text-classification",
       "text",
       "tokenizer",
       "AutoModelForSequenceClassification",
       "ORTModelForSequenceClassification",
       {"logits"},
       {"ForSequenceClassification"},
       false},
      {"token-classification",
       "text",
       "tokenizer",
       "AutoModelForTokenClassification",
       "ORTModelForTokenClassification",
       {"logits"},
       {"ForTokenClassification"},
       false},
      {"question-answering",
       "text",
       "tokenizer",
       "AutoModelForQuestionAnswering",
       "ORTModelForQuestionAnswering",
       {"start_logits", "end_logits"},
       {"ForQuestionAnswering"},
       true},
      {"fill-mask",
       "text",
       "tokenizer",
       "AutoModelForMaskedLM",
       "ORTModelForMaskedLM",
       {"logits"},
       {"ForMaskedLM"},
       false},
  };
  return tasks;
}

const TaskInfo* find_task(std::string_view name) {
  for (const auto& task : task_registry()) {
    if (task.name == name) return &task;
  }
  return nullptr;
}

}  // namespace modelexport
