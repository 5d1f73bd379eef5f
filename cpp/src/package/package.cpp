// Package: opening an exported package for inference, and task detection from config.json.
#include "modelexport/package.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "modelexport/atomic_file.h"
#include "modelexport/metadata.h"
#include "modelexport/package_info.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

Json parse_json(const std::string& text, const std::string& origin) {
  try {
    Json parsed = Json::parse(text);
    if (!parsed.is_object()) throw std::invalid_argument(origin + ": must hold a JSON object");
    return parsed;
  } catch (const Json::parse_error& e) {
    throw std::invalid_argument(origin + ": malformed JSON (" + e.what() + ")");
  }
}

std::string supported_tasks_text() {
  std::string text;
  for (const auto& task : supported_tasks()) text += (text.empty() ? "" : ", ") + task;
  return text;
}

}  // namespace

const std::vector<std::string>& supported_tasks() {
  static const std::vector<std::string> tasks = {"feature-extraction", "text-classification",
                                                 "token-classification", "question-answering",
                                                 "fill-mask"};
  return tasks;
}

std::string detect_task(const std::string& config_json, bool sentence_transformers_folder,
                        const std::string& origin) {
  if (sentence_transformers_folder) return "feature-extraction";
  Json config = parse_json(config_json, origin);
  auto architectures = config.value("architectures", Json::array());
  if (!architectures.is_array() || architectures.empty() || !architectures[0].is_string()) {
    throw std::invalid_argument(
        origin + ": no 'architectures' entry to detect the task from; pass --task (one of: " +
        supported_tasks_text() + ")");
  }
  const std::string architecture = architectures[0].get<std::string>();
  // Most specific suffix first: every architecture name ends in "Model" or a head.
  static const std::pair<const char*, const char*> kSuffixTasks[] = {
      {"ForSequenceClassification", "text-classification"},
      {"ForTokenClassification", "token-classification"},
      {"ForQuestionAnswering", "question-answering"},
      {"ForMaskedLM", "fill-mask"},
      {"Model", "feature-extraction"}};
  for (const auto& [suffix, task] : kSuffixTasks) {
    std::string_view s(suffix);
    bool matches = architecture.size() >= s.size() &&
                   architecture.compare(architecture.size() - s.size(), s.size(), s) == 0;
    // GPT2LMHeadModel, GPT2DoubleHeadsModel end in "Model" but carry a head no task covers.
    if (matches && s == "Model" && architecture.find("Head") != std::string::npos) break;
    if (matches) return task;
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
  Json processor_config;
  std::vector<std::string> labels;
  std::string problem_type;
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
  impl->metadata = decoded_metadata_props(OnnxModel::load(impl->model_path), impl->model_path);
  auto prop = [&](std::string_view key) -> const std::string* {
    for (const auto& [k, v] : impl->metadata) {
      if (k == key) return &v;
    }
    return nullptr;
  };

  const fs::path config_file = directory / "config.json";
  if (const std::string* config = prop(metadata_keys::kModelConfig)) {
    impl->model_config =
        parse_json(*config, impl->model_path + ": " + std::string(metadata_keys::kModelConfig));
  } else if (fs::is_regular_file(config_file)) {
    impl->model_config = parse_json(read_file(config_file.string()), config_file.string());
  } else {
    throw std::invalid_argument(impl->model_path + ": no model configuration (neither " +
                                std::string(metadata_keys::kModelConfig) + " metadata nor " +
                                config_file.string() + ")");
  }
  if (const std::string* processor = prop(metadata_keys::kProcessorConfig)) {
    impl->processor_config = parse_json(
        *processor, impl->model_path + ": " + std::string(metadata_keys::kProcessorConfig));
  }

  if (!task_override.empty()) {
    impl->task = task_override;
  } else if (const std::string* task = prop(metadata_keys::kPipelineTask)) {
    impl->task = *task;
  } else {
    impl->task = detect_task(impl->model_config.dump(),
                             fs::is_regular_file(directory / "modules.json"), config_file.string());
  }
  bool known = false;
  for (const auto& task : supported_tasks()) known = known || task == impl->task;
  if (!known) {
    throw std::invalid_argument("unsupported task '" + impl->task +
                                "'; supported tasks: " + supported_tasks_text());
  }

  const Json& config = impl->model_config;
  if (config.contains("id2label") && config["id2label"].is_object()) {
    const Json& id2label = config["id2label"];
    std::size_t count = id2label.size();
    if (config.contains("num_labels") && config["num_labels"].is_number_integer()) {
      count = std::max<std::size_t>(count, config["num_labels"].get<std::size_t>());
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

std::string Package::tokenizer_path() const {
  fs::path file = fs::path(impl_->directory) / "tokenizer.json";
  if (!fs::is_regular_file(file)) {
    throw std::invalid_argument(file.string() + ": missing (the package has no tokenizer)");
  }
  return file.string();
}

std::optional<SentencePooling> Package::sentence_pooling() const {
  const Json& processor = impl_->processor_config;
  if (!processor.contains("sentence_transformers")) return std::nullopt;
  const Json& st = processor["sentence_transformers"];
  SentencePooling pooling;
  bool found = false;
  for (const auto& module : st.value("modules", Json::array())) {
    std::string type = module.value("type", "");
    std::string path = module.value("path", "");
    if (type.find("Pooling") != std::string::npos && st.contains(path)) {
      const Json& p = st[path];
      found = true;
      if (p.value("pooling_mode_mean_tokens", false)) {
        pooling.mode = "mean";
      } else if (p.value("pooling_mode_cls_token", false)) {
        pooling.mode = "cls";
      } else if (p.value("pooling_mode_max_tokens", false)) {
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

std::optional<std::int64_t> Package::max_length() const {
  const Json& processor = impl_->processor_config;
  if (processor.contains("model_max_length") && processor["model_max_length"].is_number_integer()) {
    return processor["model_max_length"].get<std::int64_t>();
  }
  const Json& config = impl_->model_config;
  for (const char* key : {"max_position_embeddings", "n_positions"}) {
    if (config.contains(key) && config[key].is_number_integer())
      return config[key].get<std::int64_t>();
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, std::int64_t>> Package::pad_token() const {
  const Json& processor = impl_->processor_config;
  if (!processor.contains("pad_token_id") || !processor["pad_token_id"].is_number_integer()) {
    return std::nullopt;
  }
  std::string token;
  if (processor.contains("special_tokens") && processor["special_tokens"].contains("pad_token")) {
    token = processor["special_tokens"]["pad_token"].get<std::string>();
  }
  return std::make_pair(token, processor["pad_token_id"].get<std::int64_t>());
}

std::optional<std::string> Package::special_token(const std::string& name) const {
  const Json& processor = impl_->processor_config;
  if (!processor.contains("special_tokens") || !processor["special_tokens"].contains(name) ||
      !processor["special_tokens"][name].is_string()) {
    return std::nullopt;
  }
  return processor["special_tokens"][name].get<std::string>();
}

}  // namespace modelexport
