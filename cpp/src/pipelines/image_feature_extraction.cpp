// image-feature-extraction: per-patch hidden states, or the pooled output with pool=True.
#include "pipelines/task_support.h"

namespace modelexport {

TaskInfo image_feature_extraction_task() {
  TaskInfo task =
      pipelines::image_task("image-feature-extraction", "AutoModel", "ORTModelForFeatureExtraction",
                            {"last_hidden_state", "pooler_output"}, {"Model"});
  task.options = {
      {"pool", OptionKind::kFlag, Value(false), {}, "the pooled output instead of every patch"},
  };
  return task;
}

}  // namespace modelexport
