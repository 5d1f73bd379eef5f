// image-segmentation: per-pixel class logits -> one mask per label present in the image.
#include "pipelines/task_support.h"

namespace modelexport {

TaskInfo image_segmentation_task() {
  TaskInfo task = pipelines::image_task("image-segmentation", "AutoModelForSemanticSegmentation",
                                        "ORTModelForSemanticSegmentation", {"logits"},
                                        {"ForSemanticSegmentation"});
  task.options = {
      {"subtask",
       OptionKind::kChoice,
       Value(),
       {"semantic", "instance", "panoptic"},
       "kind of segmentation (default: what the model's head does)"},
  };
  return task;
}

}  // namespace modelexport
