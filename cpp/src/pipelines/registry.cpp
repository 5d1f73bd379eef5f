// The task registry (see modelexport/task.h): one line per task. Each task's description,
// options and pipeline live in its own file, cpp/src/pipelines/<task>.cpp.
#include "modelexport/task.h"

namespace modelexport {

TaskInfo feature_extraction_task();
TaskInfo text_classification_task();
TaskInfo token_classification_task();
TaskInfo question_answering_task();
TaskInfo zero_shot_classification_task();
TaskInfo document_question_answering_task();
TaskInfo fill_mask_task();
TaskInfo image_classification_task();
TaskInfo object_detection_task();
TaskInfo image_segmentation_task();
TaskInfo image_feature_extraction_task();
TaskInfo zero_shot_image_classification_task();
TaskInfo audio_classification_task();
TaskInfo automatic_speech_recognition_task();

const std::vector<TaskInfo>& task_registry() {
  static const std::vector<TaskInfo> tasks = {
      feature_extraction_task(),
      text_classification_task(),
      token_classification_task(),
      question_answering_task(),
      zero_shot_classification_task(),
      document_question_answering_task(),
      fill_mask_task(),
      image_classification_task(),
      object_detection_task(),
      image_segmentation_task(),
      image_feature_extraction_task(),
      zero_shot_image_classification_task(),
      audio_classification_task(),
      automatic_speech_recognition_task(),
  };
  return tasks;
}

const TaskInfo* find_task(std::string_view name) {
  for (const auto& task : task_registry()) {
    if (task.name == name) return &task;
  }
  return nullptr;
}

const TaskOption* find_option(const TaskInfo& task, std::string_view name) {
  for (const auto& option : task.options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

}  // namespace modelexport
