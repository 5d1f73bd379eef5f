// Package: opening an exported package for inference, and task detection from config.json.
#include "modelexport/package.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "modelexport/atomic_file.h"
#include "modelexport/limits.h"
#include "modelexport/metadata.h"
#include "modelexport/package_info.h"
#include "modelexport/single_file.h"
#include "modelexport/task.h"
#include "onnx/paths.h"
#include "text/json_document.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

Json parse_json(const std::string& text, const std::string& origin) {
  Json parsed = text::parse_json_document<Json>(text, origin, text::JsonNumbers::kCorrectlyRounded);
  if (!parsed.is_object()) throw std::invalid_argument(origin + ": must hold a JSON object");
  return parsed;
}

// More labels than any classifier has (ImageNet-22k: 21,843); num_labels drives an allocation.
constexpr std::size_t kMaxLabels = std::size_t{1} << 20;

// `object[key]` when `object` is an object holding a string there.
std::optional<std::string> string_member(const Json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// The major part of a format version ("2" of "2.0").
std::string major_version(const std::string& version) {
  return version.substr(0, version.find('.'));
}

// A file the package names: it must be a regular file inside the package directory, after
// following symbolic links (a package is data from strangers and must not read other files).
fs::path file_inside(const std::string& directory, const std::string& name) {
  const fs::path file = fs::path(directory) / name;
  std::error_code ec;
  if (!fs::exists(file, ec)) return {};
  const fs::path target = resolve_inside(directory, name);
  if (target.empty()) {
    throw std::invalid_argument(file.string() + ": refused, it resolves outside the package (" +
                                fs::weakly_canonical(file, ec).string() + ")");
  }
  if (!fs::is_regular_file(target, ec)) {
    throw std::invalid_argument(file.string() + ": not a regular file");
  }
  return file;
}

std::string supported_tasks_text() {
  std::string text;
  for (const auto& task : supported_tasks()) text += (text.empty() ? "" : ", ") + task;
  return text;
}

}  // namespace

const std::vector<std::string>& supported_tasks() {
  static const std::vector<std::string> tasks = [] {
    std::vector<std::string> names;
    for (const auto& task : task_registry()) names.push_back(task.name);
    return names;
  }();
  return tasks;
}

namespace {

// What preprocessor_config.json (JSON text) says a model's inputs are (see folder_modality).
std::string preprocessor_modality(const std::string& text, const std::string& origin) {
  const Json config = parse_json(text, origin);
  if (config.contains("image_processor_type")) return "image";
  if (config.contains("feature_extractor_type")) {
    return config.contains("sampling_rate") ? "audio" : "image";
  }
  return "text";
}

}  // namespace

std::string folder_modality(const std::string& model_dir) {
  const fs::path file = fs::path(model_dir) / "preprocessor_config.json";
  if (!fs::is_regular_file(file)) return "text";
  return preprocessor_modality(read_file(file.string()), file.string());
}

std::string detect_task(const std::string& config_json, bool sentence_transformers_folder,
                        const std::string& origin, const std::string& modality) {
  if (sentence_transformers_folder) return "feature-extraction";
  Json config = parse_json(config_json, origin);
  auto architectures = config.value("architectures", Json::array());
  if (!architectures.is_array() || architectures.empty() || !architectures[0].is_string()) {
    throw std::invalid_argument(
        origin + ": no 'architectures' entry to detect the task from; pass --task (one of: " +
        supported_tasks_text() + ")");
  }
  const std::string architecture = architectures[0].get<std::string>();
  // The longest matching suffix wins: every architecture name ends in "Model" or a head, and a
  // head's suffix ("ForMaskedLM") is longer than the bare "Model".
  const TaskInfo* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& task : task_registry()) {
    for (const auto& suffix : task.architecture_suffixes) {
      const bool matches =
          architecture.size() >= suffix.size() &&
          architecture.compare(architecture.size() - suffix.size(), suffix.size(), suffix) == 0;
      // A task of the folder's modality beats one of another modality with an equal suffix.
      const bool better =
          suffix.size() > best_length || (suffix.size() == best_length && best != nullptr &&
                                          best->modality != modality && task.modality == modality);
      if (matches && better) {
        best = &task;
        best_length = suffix.size();
      }
    }
  }
  // GPT2LMHeadModel, GPT2DoubleHeadsModel end in "Model" but carry a head no task covers.
  const bool bare_model = best != nullptr && best_length == std::string_view("Model").size();
  if (best != nullptr && !(bare_model && architecture.find("Head") != std::string::npos)) {
    return best->name;
  }
  throw std::invalid_argument("unsupported architecture '" + architecture +
                              "' (no supported task); supported tasks: " + supported_tasks_text() +
                              " (override with --task)");
}

struct Package::Impl {
  std::string model_path;
  std::string directory;
  std::string task;
  MetadataProps metadata;
  Json model_config;
  std::string model_config_text;  // model_config as JSON text
  Json processor_config;
  std::vector<std::string> labels;
  std::string problem_type;
  std::string processor_type = "tokenizer";
  // A single-file package: its files by name (verified when opened), and what they were.
  bool self_contained = false;
  std::map<std::string, std::string> embedded;
  std::vector<EmbeddedFile> embedded_info;

  bool has(const std::string& name) const {
    if (self_contained) return embedded.count(name) != 0;
    return !file_inside(directory, name).empty();
  }
  std::string origin(const std::string& name) const {
    return self_contained ? model_path + ": embedded " + name
                          : (fs::path(directory) / name).string();
  }
  std::string contents(const std::string& name) const {
    if (self_contained) {
      const auto it = embedded.find(name);
      if (it == embedded.end()) {
        throw std::invalid_argument(origin(name) + ": missing (the single file does not embed it)");
      }
      return it->second;
    }
    const fs::path file = file_inside(directory, name);
    if (file.empty()) throw std::invalid_argument(origin(name) + ": missing");
    return read_file(file.string());
  }
};

Package::Package(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Package::Package(Package&&) noexcept = default;
Package& Package::operator=(Package&&) noexcept = default;
Package::~Package() = default;

Package Package::open(const std::string& path, const std::string& task_override) {
  auto impl = std::make_unique<Impl>();
  impl->model_path = resolve_model_path(path);
  fs::path directory = fs::path(impl->model_path).parent_path();
  impl->directory = directory.empty() ? "." : directory.string();
  // Only the metadata: the graph and weights are ONNX Runtime's to load (once, by the session).
  impl->metadata = decoded_metadata_props(read_metadata_props(impl->model_path), impl->model_path);
  // A single file: its embedded files are decoded and verified now, then served from memory
  // (the metadata keeps no second copy of them).
  for (auto it = impl->metadata.begin(); it != impl->metadata.end(); ++it) {
    if (it->first != metadata_keys::kEmbeddedFiles) continue;
    for (auto& file : decode_embedded_files(it->second, impl->model_path)) {
      impl->embedded_info.push_back(file.info);
      impl->embedded.emplace(file.info.name, std::move(file.bytes));
    }
    impl->self_contained = true;
    impl->metadata.erase(it);
    break;
  }
  auto prop = [&](std::string_view key) -> const std::string* {
    for (const auto& [k, v] : impl->metadata) {
      if (k == key) return &v;
    }
    return nullptr;
  };

  const std::string* version = prop(metadata_keys::kVersion);
  if (version == nullptr) {
    throw std::invalid_argument(impl->model_path + ": no " + std::string(metadata_keys::kVersion) +
                                " metadata: not a modelexport package (export it with "
                                "`modelexport export`)");
  }
  if (major_version(*version) != major_version(std::string(kMetadataFormatVersion))) {
    throw std::invalid_argument(impl->model_path + ": package format version " + *version +
                                " is not supported (this runtime reads " +
                                major_version(std::string(kMetadataFormatVersion)) + ".x)");
  }

  if (const std::string* config = prop(metadata_keys::kModelConfig)) {
    impl->model_config =
        parse_json(*config, impl->model_path + ": " + std::string(metadata_keys::kModelConfig));
  } else if (impl->has("config.json")) {
    impl->model_config = parse_json(impl->contents("config.json"), impl->origin("config.json"));
  } else {
    throw std::invalid_argument(impl->model_path + ": no model configuration (neither " +
                                std::string(metadata_keys::kModelConfig) + " metadata nor " +
                                impl->origin("config.json") + ")");
  }
  impl->model_config_text = impl->model_config.dump();
  if (const std::string* processor = prop(metadata_keys::kProcessorConfig)) {
    impl->processor_config = parse_json(
        *processor, impl->model_path + ": " + std::string(metadata_keys::kProcessorConfig));
    // Packages written before the processor layer have no processor_type: all used tokenizers.
    if (auto type = string_member(impl->processor_config, "processor_type")) {
      impl->processor_type = *type;
    }
  }

  if (!task_override.empty()) {
    impl->task = task_override;
  } else if (const std::string* task = prop(metadata_keys::kPipelineTask)) {
    impl->task = *task;
  } else {
    const std::string modality =
        impl->has("preprocessor_config.json")
            ? preprocessor_modality(impl->contents("preprocessor_config.json"),
                                    impl->origin("preprocessor_config.json"))
            : "text";
    impl->task = detect_task(impl->model_config.dump(), impl->has("modules.json"),
                             impl->origin("config.json"), modality);
  }
  if (find_task(impl->task) == nullptr) {
    throw std::invalid_argument("unsupported task '" + impl->task +
                                "'; supported tasks: " + supported_tasks_text());
  }

  const Json& config = impl->model_config;
  if (config.contains("id2label") && config["id2label"].is_object()) {
    const Json& id2label = config["id2label"];
    std::size_t count = id2label.size();
    if (config.contains("num_labels") && config["num_labels"].is_number_unsigned()) {
      count = std::max<std::size_t>(count, config["num_labels"].get<std::size_t>());
    }
    if (count > kMaxLabels) {
      throw std::invalid_argument(
          impl->model_path + ": " + std::string(metadata_keys::kModelConfig) + ": " +
          std::to_string(count) + " labels is over the limit of " + std::to_string(kMaxLabels));
    }
    for (std::size_t i = 0; i < count; ++i) {
      auto it = id2label.find(std::to_string(i));
      impl->labels.push_back(it != id2label.end() && it->is_string()
                                 ? it->get<std::string>()
                                 : "LABEL_" + std::to_string(i));
    }
  }
  if (config.contains("problem_type") && config["problem_type"].is_string()) {
    impl->problem_type = config["problem_type"].get<std::string>();
  }
  return Package(std::move(impl));
}

const std::string& Package::model_path() const { return impl_->model_path; }
const std::string& Package::directory() const { return impl_->directory; }
const std::string& Package::task() const { return impl_->task; }
const MetadataProps& Package::metadata() const { return impl_->metadata; }
const std::vector<std::string>& Package::labels() const { return impl_->labels; }
const std::string& Package::problem_type() const { return impl_->problem_type; }

bool Package::has_file(const std::string& name) const { return impl_->has(name); }
std::string Package::file_contents(const std::string& name) const { return impl_->contents(name); }
std::string Package::file_origin(const std::string& name) const { return impl_->origin(name); }
bool Package::self_contained() const { return impl_->self_contained; }
const std::vector<EmbeddedFile>& Package::embedded_files() const { return impl_->embedded_info; }

const std::string& Package::processor_type() const { return impl_->processor_type; }

namespace {

// hf_processor_config[`key`] as JSON text, else the package's preprocessor_config.json; `what`
// names it in the error when neither is there.
std::string processor_section(const Package& package, const Json& processor, const char* key,
                              const char* what) {
  if (processor.is_object()) {
    const auto it = processor.find(key);
    if (it != processor.end() && it->is_object()) return it->dump();
  }
  const std::string name = "preprocessor_config.json";
  if (!package.has_file(name)) {
    throw std::invalid_argument(package.model_path() + ": no " + what + " configuration (neither " +
                                std::string(metadata_keys::kProcessorConfig) + " \"" + key +
                                "\" nor " + package.file_origin(name) + ")");
  }
  return package.file_contents(name);
}

}  // namespace

std::string Package::image_processor_config() const {
  return processor_section(*this, impl_->processor_config, "image_processor", "image processor");
}

std::string Package::feature_extractor_config() const {
  return processor_section(*this, impl_->processor_config, "feature_extractor",
                           "feature extractor");
}

std::string Package::processor_config_json() const {
  return impl_->processor_config.is_object() ? impl_->processor_config.dump() : "{}";
}

const std::string& Package::model_config_json() const { return impl_->model_config_text; }

std::optional<SentencePooling> Package::sentence_pooling() const {
  const Json& processor = impl_->processor_config;
  if (!processor.contains("sentence_transformers")) return std::nullopt;
  const Json& st = processor["sentence_transformers"];
  SentencePooling pooling;
  bool found = false;
  const auto modules = st.is_object() ? st.find("modules") : st.end();
  if (modules == st.end() || !modules->is_array()) return std::nullopt;
  for (const auto& module : *modules) {
    const std::string type = string_member(module, "type").value_or("");
    const std::string path = string_member(module, "path").value_or("");
    if (type.find("Pooling") != std::string::npos && st.contains(path) && st[path].is_object()) {
      const Json& p = st[path];
      const auto flag = [&p](const char* key) {
        const auto it = p.find(key);
        return it != p.end() && it->is_boolean() && it->get<bool>();
      };
      found = true;
      if (flag("pooling_mode_mean_tokens")) {
        pooling.mode = "mean";
      } else if (flag("pooling_mode_cls_token")) {
        pooling.mode = "cls";
      } else if (flag("pooling_mode_max_tokens")) {
        pooling.mode = "max";
      } else {
        throw std::invalid_argument(impl_->model_path +
                                    ": unsupported sentence-transformers pooling in " + path);
      }
    }
    if (type.find("Normalize") != std::string::npos) pooling.normalize = true;
  }
  return found ? std::optional<SentencePooling>(pooling) : std::nullopt;
}

namespace {

std::optional<std::int64_t> max_sequence_length(std::optional<std::int64_t> tokenizer_max,
                                                const Json& config) {
  // Sentinels: transformers writes 1e30 (VERY_LARGE_INTEGER) for "no limit".
  constexpr std::int64_t kSentinel = 1000000;
  std::optional<std::int64_t> smallest;
  const auto consider = [&smallest](std::int64_t limit) {
    if (limit > 0 && limit < kSentinel && (!smallest || limit < *smallest)) smallest = limit;
  };
  if (tokenizer_max) consider(*tokenizer_max);
  for (const char* key : {"max_position_embeddings", "n_positions"}) {
    if (config.is_object() && config.contains(key) && config[key].is_number_integer()) {
      consider(config[key].get<std::int64_t>());
    }
  }
  return smallest;
}

}  // namespace

std::optional<std::int64_t> max_sequence_length(std::optional<std::int64_t> tokenizer_max,
                                                const std::string& config_json) {
  return max_sequence_length(tokenizer_max, parse_json(config_json, "config"));
}

std::optional<std::int64_t> Package::max_length() const {
  const Json& processor = impl_->processor_config;
  std::optional<std::int64_t> tokenizer_max;
  if (processor.contains("model_max_length") && processor["model_max_length"].is_number_integer()) {
    tokenizer_max = processor["model_max_length"].get<std::int64_t>();
  }
  return max_sequence_length(tokenizer_max, impl_->model_config);
}

std::vector<std::int64_t> Package::shape_buckets() const {
  const Json& processor = impl_->processor_config;
  const auto shapes = processor.find("shapes");
  if (shapes == processor.end() || !shapes->is_object()) return {};
  const auto buckets = shapes->find("sequence_buckets");
  if (buckets == shapes->end()) return {};
  const std::string where =
      impl_->model_path + ": hf_processor_config shapes.sequence_buckets must be";
  if (!buckets->is_array() || buckets->size() > limits::kMaxShapeBuckets) {
    throw std::invalid_argument(where + " a list of at most " +
                                std::to_string(limits::kMaxShapeBuckets) + " lengths");
  }
  std::vector<std::int64_t> lengths;
  for (const auto& length : *buckets) {
    if (!length.is_number_integer() || length.get<std::int64_t>() < 1 ||
        length.get<std::int64_t>() > limits::kMaxFixedDimension ||
        (!lengths.empty() && length.get<std::int64_t>() <= lengths.back())) {
      throw std::invalid_argument(where + " increasing positive lengths (entry " +
                                  std::to_string(lengths.size()) + " is not)");
    }
    lengths.push_back(length.get<std::int64_t>());
  }
  return lengths;
}

std::optional<std::pair<std::string, std::int64_t>> Package::pad_token() const {
  const Json& processor = impl_->processor_config;
  if (!processor.contains("pad_token_id") || !processor["pad_token_id"].is_number_integer()) {
    return std::nullopt;
  }
  std::string token;
  if (processor.contains("special_tokens")) {
    token = string_member(processor["special_tokens"], "pad_token").value_or("");
  }
  return std::make_pair(token, processor["pad_token_id"].get<std::int64_t>());
}

std::optional<std::string> Package::special_token(const std::string& name) const {
  const Json& processor = impl_->processor_config;
  if (!processor.contains("special_tokens")) return std::nullopt;
  return string_member(processor["special_tokens"], name.c_str());
}

}  // namespace modelexport
