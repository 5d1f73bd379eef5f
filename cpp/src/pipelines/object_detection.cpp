// object-detection: DETR-style class logits and normalized center boxes -> labelled pixel boxes.
#include "pipelines/task_support.h"

namespace modelexport {

TaskInfo object_detection_task() {
  TaskInfo task = pipelines::image_task("object-detection", "AutoModelForObjectDetection", "",
                                        {"logits", "pred_boxes"}, {"ForObjectDetection"});
  task.options = {
      {"threshold", OptionKind::kNumber, Value(0.5), {}, "lowest score kept (default 0.5)"},
  };
  return task;
}

}  // namespace modelexport
