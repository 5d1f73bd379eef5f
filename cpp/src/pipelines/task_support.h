// What every task file uses to describe and create itself (see docs/adding_a_task.md).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "modelexport/pipeline.h"

namespace modelexport::pipelines {

// A task whose inputs are prepared by the tokenizer processor.
inline TaskInfo text_task(std::string name, std::string auto_model_class,
                          std::string ort_model_class, std::vector<std::string> outputs,
                          std::vector<std::string> architecture_suffixes, std::string input_help) {
  TaskInfo task;
  task.name = std::move(name);
  task.modality = "text";
  task.processor = "tokenizer";
  task.auto_model_class = std::move(auto_model_class);
  task.ort_model_class = std::move(ort_model_class);
  task.outputs = std::move(outputs);
  task.architecture_suffixes = std::move(architecture_suffixes);
  task.input_help = std::move(input_help);
  return task;
}

// A task whose inputs are images prepared by the image processor.
inline TaskInfo image_task(std::string name, std::string auto_model_class,
                           std::string ort_model_class, std::vector<std::string> outputs,
                           std::vector<std::string> architecture_suffixes) {
  TaskInfo task = text_task(
      std::move(name), std::move(auto_model_class), std::move(ort_model_class), std::move(outputs),
      std::move(architecture_suffixes), "an image: a file path, or {\"image\": path}");
  task.modality = "image";
  task.processor = "image";
  return task;
}

// A task whose inputs are audio clips prepared by the audio processor (decoding, resampling to
// the model's rate, the model's feature extractor).
inline TaskInfo audio_task(std::string name, std::string auto_model_class,
                           std::string ort_model_class, std::vector<std::string> outputs,
                           std::vector<std::string> architecture_suffixes) {
  TaskInfo task =
      text_task(std::move(name), std::move(auto_model_class), std::move(ort_model_class),
                std::move(outputs), std::move(architecture_suffixes),
                "an audio file path, or {\"raw\": samples, \"sampling_rate\": rate}");
  task.modality = "audio";
  task.processor = "audio";
  return task;
}

// The PipelineFactory of a task's Pipeline subclass P: P(const TaskInfo&, package, options),
// registered under P::kTask.
template <typename P>
std::unique_ptr<Pipeline> create_task_pipeline(std::shared_ptr<const Package> package,
                                               const PipelineOptions& options) {
  return std::make_unique<P>(*find_task(P::kTask), std::move(package), options);
}

}  // namespace modelexport::pipelines
