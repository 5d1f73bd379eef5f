// A modelexport package opened for inference: model.onnx, its metadata and the configuration
// files beside it, or a self-contained single .onnx whose metadata embeds those files
// (modelexport/single_file.h). Everything a pipeline needs without being told the task or the
// processor.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "modelexport/onnx_model.h"
#include "modelexport/single_file.h"

namespace modelexport {

// sentence-transformers pooling (1_Pooling/config.json and a Normalize module).
struct SentencePooling {
  std::string mode;  // "mean", "cls" or "max"
  bool normalize = false;
};

class Package {
 public:
  // `path` is a package directory, its model.onnx, or a single-file package (.onnx with
  // hf_embedded_files: its files come from there only, never from the folder it lies in, and are
  // all verified here). Throws std::invalid_argument naming the file when model.onnx, its
  // metadata, an embedded file or a configuration file is missing or corrupt, and when no task
  // can be determined (with a hint to pass one).
  static Package open(const std::string& path, const std::string& task_override = "");

  Package(Package&&) noexcept;
  Package& operator=(Package&&) noexcept;
  ~Package();

  const std::string& model_path() const;
  const std::string& directory() const;
  const std::string& task() const;
  // The model-level metadata, values decoded; a single file's hf_embedded_files is not kept here
  // (its files are served by file_contents, listed by embedded_files).
  const MetadataProps& metadata() const;

  // hf_processor_config "processor_type": what prepares the inputs ("tokenizer" when unset).
  const std::string& processor_type() const;
  // The image processor's configuration, preprocessor_config.json as JSON text: hf_processor_config
  // "image_processor", else the package's preprocessor_config.json.
  // Throws std::invalid_argument naming both when neither is there.
  std::string image_processor_config() const;
  // The audio feature extractor's configuration, the same way: hf_processor_config
  // "feature_extractor", else preprocessor_config.json.
  std::string feature_extractor_config() const;
  // hf_processor_config as JSON text ("{}" when the package has none).
  std::string processor_config_json() const;
  // config.json as the package carries it (JSON text).
  const std::string& model_config_json() const;
  // A file of the package by its relative name ("tokenizer.json", "vocab.json",
  // "1_Pooling/config.json"): embedded in a single-file package, else beside the model (inside
  // the folder only). has_file says whether it is there; file_contents returns its bytes and
  // throws std::invalid_argument naming it when absent; file_origin is how messages name it (its
  // path, or "MODEL.onnx: embedded NAME").
  bool has_file(const std::string& name) const;
  std::string file_contents(const std::string& name) const;
  std::string file_origin(const std::string& name) const;
  // Whether the package is a single file, and what it embeds (empty for a folder package).
  bool self_contained() const;
  const std::vector<EmbeddedFile>& embedded_files() const;
  // id2label ordered by id (LABEL_i for ids the config leaves out).
  const std::vector<std::string>& labels() const;
  // config.json problem_type ("" when unset).
  const std::string& problem_type() const;
  std::optional<SentencePooling> sentence_pooling() const;
  // Longest input the model accepts: max_sequence_length() of the package's tokenizer and config.
  std::optional<std::int64_t> max_length() const;
  // The sequence lengths of the package's shape buckets (hf_processor_config
  // shapes.sequence_buckets), ascending, the largest being model.onnx's; empty for a single
  // graph. Each other length's graph is shape_bucket_file(length) beside the model. Throws
  // std::invalid_argument naming the package when the list is malformed.
  std::vector<std::int64_t> shape_buckets() const;
  // A special token of the tokenizer ("mask_token", "cls_token", ...) as the exporter recorded it.
  std::optional<std::string> special_token(const std::string& name) const;
  // The tokenizer's padding token and id as the exporter recorded them.
  std::optional<std::pair<std::string, std::int64_t>> pad_token() const;

 private:
  struct Impl;
  explicit Package(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The pipeline task for a model config (config.json text), from `architectures`; a
// sentence-transformers folder is feature-extraction. Among the tasks whose suffix matches, those
// of the folder's `modality` (folder_modality) win: ViTModel is image-feature-extraction in a
// folder with an image processor, BertModel feature-extraction. Throws std::invalid_argument
// listing the supported tasks when the architecture maps to none.
std::string detect_task(const std::string& config_json, bool sentence_transformers_folder,
                        const std::string& origin, const std::string& modality = "text");

// What a model folder's inputs are, from its preprocessor_config.json: "image" when it names an
// image processor (image_processor_type, or a feature extractor without a sampling_rate, as
// older vision models do), "audio" for a feature extractor with a sampling_rate, else "text".
std::string folder_modality(const std::string& model_dir);

// The longest input a model accepts, the one rule for exporter and runtime: the smallest of the
// tokenizer's model_max_length and the config's max_position_embeddings / n_positions, ignoring
// values <= 0 and "no limit" sentinels (>= 1e6). nullopt when none is known.
std::optional<std::int64_t> max_sequence_length(std::optional<std::int64_t> tokenizer_max,
                                                const std::string& config_json);

// The tasks the exporter and the runtime support, in display order.
const std::vector<std::string>& supported_tasks();

}  // namespace modelexport
