// zero-shot-classification: every (sequence, hypothesis) pair through an NLI classifier, pairs
// truncated only_first so the hypothesis stays whole, the entailment logits ranked.
#include "modelexport/pipelines/zero_shot_classification.h"

#include <algorithm>
#include <numeric>

#include <nlohmann/json.hpp>

#include "modelexport/package.h"
#include "pipelines/model_runner.h"
#include "pipelines/numeric.h"
#include "pipelines/task_support.h"
#include "processors/text_processor.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport {
namespace {

constexpr const char* kTask = "zero-shot-classification";

// Python's str.isspace(): Unicode White_Space plus the ASCII separators U+001C..U+001F.
bool python_space(char32_t c) {
  return text::unicode::is_whitespace(c) || (c >= 0x1C && c <= 0x1F);
}

// Python's str.strip().
std::string strip(const std::string& text) {
  std::size_t begin = text.size();
  std::size_t end = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    if (!python_space(text::decode_utf8(text, pos))) {
      begin = std::min(begin, start);
      end = pos;
    }
  }
  return begin < end ? text.substr(begin, end - begin) : std::string();
}

std::string label_list(const nlohmann::json& label2id) {
  std::string names;
  for (const auto& item : label2id.items()) names += (names.empty() ? "" : ", ") + item.key();
  return names.empty() ? "none" : names;
}

}  // namespace

std::vector<std::string> split_candidate_labels(const std::string& labels) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= labels.size()) {
    std::size_t comma = labels.find(',', start);
    if (comma == std::string::npos) comma = labels.size();
    std::string label = strip(labels.substr(start, comma - start));
    if (!label.empty()) out.push_back(std::move(label));
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> candidate_labels_option(const Value* given, const std::string& task) {
  if (given == nullptr || given->is_null()) {
    throw PipelineError(task + " needs candidate_labels (a list, or one comma-separated string)");
  }
  if (given->is_string()) return split_candidate_labels(given->as_string());
  std::vector<std::string> labels;
  for (const auto& label : given->as_array()) labels.push_back(label.as_string());
  return labels;
}

TaskOption candidate_labels_schema() {
  return {"candidate_labels",
          OptionKind::kTextOrTexts,
          Value(),
          {},
          "the labels to choose from: a list, or one comma-separated string (required)"};
}

std::string format_hypothesis(const std::string& hypothesis_template, const std::string& label) {
  std::string out;
  bool has_field = false;
  for (std::size_t i = 0; i < hypothesis_template.size(); ++i) {
    const char c = hypothesis_template[i];
    const char next = i + 1 < hypothesis_template.size() ? hypothesis_template[i + 1] : '\0';
    if ((c == '{' && next == '{') || (c == '}' && next == '}')) {
      out += c;
      ++i;
    } else if (c == '{') {
      const std::size_t close = hypothesis_template.find('}', i);
      if (close == std::string::npos) {
        throw PipelineError("hypothesis_template \"" + hypothesis_template +
                            "\": single '{' (write {{ for a literal brace)");
      }
      const std::string field = hypothesis_template.substr(i, close - i + 1);
      if (field != "{}" && field != "{0}") {
        throw PipelineError("hypothesis_template \"" + hypothesis_template +
                            "\": unsupported replacement field " + field +
                            " (use {} where the label goes)");
      }
      out += label;
      has_field = true;
      i = close;
    } else if (c == '}') {
      throw PipelineError("hypothesis_template \"" + hypothesis_template +
                          "\": single '}' (write }} for a literal brace)");
    } else {
      out += c;
    }
  }
  if (!has_field) {
    throw PipelineError("hypothesis_template \"" + hypothesis_template +
                        "\" has no {} where the label goes");
  }
  return out;
}

std::size_t entailment_id(const std::string& config_json, const std::string& origin) {
  const auto config = nlohmann::json::parse(config_json, nullptr, false);
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& label2id =
      config.is_object() && config.contains("label2id") && config["label2id"].is_object()
          ? config["label2id"]
          : empty;
  for (const auto& item : label2id.items()) {
    std::string lowered = item.key().substr(0, 6);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lowered == "entail" && item.value().is_number_unsigned()) {
      return item.value().get<std::size_t>();
    }
  }
  throw PipelineError(origin + ": " + kTask +
                      " needs an NLI model whose label2id has an 'entailment' label; it has " +
                      label_list(label2id));
}

ZeroShotResult rank_candidates(const std::string& sequence,
                               const std::vector<std::vector<float>>& logits,
                               const std::vector<std::string>& candidate_labels,
                               std::size_t entailment, bool multi_label) {
  const std::size_t n = candidate_labels.size();
  std::vector<double> scores(n);
  if (multi_label || n == 1) {
    const std::size_t contradiction = entailment == 0 ? logits.front().size() - 1 : 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> pair = {logits[i][contradiction], logits[i][entailment]};
      pipelines::softmax_in_place(pair);
      scores[i] = pair[1];
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) scores[i] = logits[i][entailment];
    pipelines::softmax_in_place(scores);
  }
  // numpy's argsort, reversed: ascending with ties in index order, then reversed.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  std::reverse(order.begin(), order.end());
  ZeroShotResult result;
  result.sequence = sequence;
  for (std::size_t i : order) {
    result.labels.push_back(candidate_labels[i]);
    result.scores.push_back(scores[i]);
  }
  return result;
}

ZeroShotClassificationPipeline::ZeroShotClassificationPipeline(
    std::shared_ptr<const Package> package, const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(package, options)),
      entailment_(entailment_id(package->model_config_json(), package->model_path())) {}

ZeroShotClassificationPipeline::ZeroShotClassificationPipeline(const std::string& package_path,
                                                               const PipelineOptions& options)
    : ZeroShotClassificationPipeline(
          std::make_shared<const Package>(Package::open(package_path, options.task)), options) {}

std::vector<ZeroShotResult> ZeroShotClassificationPipeline::operator()(
    const std::vector<std::string>& sequences, const ZeroShotOptions& options) const {
  const auto& labels = options.candidate_labels;
  if (labels.empty()) {
    throw PipelineError(std::string(kTask) + ": candidate_labels is empty; give at least one");
  }
  std::vector<std::string> hypotheses;
  for (const auto& label : labels) {
    hypotheses.push_back(format_hypothesis(options.hypothesis_template, label));
  }
  std::vector<TextInput> pairs;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    if (sequences[s].empty()) {
      throw PipelineError(std::string(kTask) + ": input " + std::to_string(s) +
                          " is an empty text");
    }
    for (const auto& hypothesis : hypotheses) pairs.push_back({sequences[s], hypothesis});
  }
  const auto& text = runner_->processor_for<processors::TextProcessor>(kTask);
  const auto rows = runner_->run(text.prepare(pairs, TruncationStrategy::kOnlyFirst), {"logits"});
  std::vector<ZeroShotResult> results;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    std::vector<std::vector<float>> logits;
    for (std::size_t l = 0; l < labels.size(); ++l) {
      const FloatTensor& row = rows[s * labels.size() + l].outputs.front();
      pipelines::check_output(row, "logits", {std::nullopt});
      if (entailment_ >= row.data.size() || row.data.size() < 2) {
        throw std::runtime_error(
            runner_->package().model_path() + ": logits have " + std::to_string(row.data.size()) +
            " classes; the entailment label is class " + std::to_string(entailment_));
      }
      logits.push_back(row.data);
    }
    results.push_back(
        rank_candidates(sequences[s], logits, labels, entailment_, options.multi_label));
  }
  return results;
}

namespace {

class ZeroShotClassificationTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "zero-shot-classification";

  ZeroShotClassificationTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                             const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    std::vector<std::string> sequences;
    for (const auto& input : inputs) {
      if (!input.is_string()) {
        throw PipelineError(std::string(kTask) + " inputs are texts; got " +
                            Value::kind_name(input.kind()));
      }
      sequences.push_back(input.as_string());
    }
    ZeroShotOptions zero_shot;
    zero_shot.candidate_labels = candidate_labels_option(options.find("candidate_labels"), kTask);
    zero_shot.hypothesis_template = options.find("hypothesis_template")->as_string();
    zero_shot.multi_label = options.find("multi_label")->as_bool();
    std::vector<Value> results;
    for (const auto& result : typed_(sequences, zero_shot)) {
      Value labels_value = Value::array();
      Value scores_value = Value::array();
      for (std::size_t i = 0; i < result.labels.size(); ++i) {
        labels_value.push_back(Value(result.labels[i]));
        scores_value.push_back(Value::float32(result.scores[i]));
      }
      results.push_back(Value::object({{"sequence", Value(result.sequence)},
                                       {"labels", std::move(labels_value)},
                                       {"scores", std::move(scores_value)}}));
    }
    return results;
  }

 private:
  ZeroShotClassificationPipeline typed_;
};

}  // namespace

TaskInfo zero_shot_classification_task() {
  // No architecture suffix: a ForSequenceClassification model is text-classification unless the
  // export or the call names this task.
  TaskInfo task = pipelines::text_task(kTask, "AutoModelForSequenceClassification",
                                       "ORTModelForSequenceClassification", {"logits"}, {},
                                       "a text to classify into the candidate labels");
  task.options = {
      candidate_labels_schema(),
      {"hypothesis_template",
       OptionKind::kText,
       Value("This example is {}."),
       {},
       "the hypothesis each label is put into, {} marking where (default \"This example is "
       "{}.\")"},
      {"multi_label",
       OptionKind::kFlag,
       Value(false),
       {},
       "score each label on its own (entailment vs contradiction) instead of across the labels"},
  };
  task.create = pipelines::create_task_pipeline<ZeroShotClassificationTask>;
  return task;
}

}  // namespace modelexport
