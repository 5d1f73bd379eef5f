// feature-extraction: hidden states per token, and sentence-transformers pooled embeddings.
#include "modelexport/pipelines/feature_extraction.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"
#include "pipelines/text_inputs.h"
#include "processors/text_processor.h"

namespace modelexport {
namespace {

constexpr const char* kHiddenStates = "last_hidden_state";

// The rows of [length, hidden] whose attention mask is 1, as vectors.
std::vector<std::vector<float>> real_tokens(const pipelines::ModelRunner::Row& row) {
  const FloatTensor& hidden = row.outputs.front();
  const Encoding& encoding = row.input.encoding;
  pipelines::check_output(hidden, kHiddenStates, {encoding.size(), std::nullopt});
  const auto width = static_cast<std::size_t>(hidden.shape[1]);
  std::vector<std::vector<float>> tokens;
  for (std::size_t t = 0; t < encoding.attention_mask.size(); ++t) {
    if (encoding.attention_mask[t] == 0) continue;
    auto begin = hidden.data.begin() + static_cast<std::ptrdiff_t>(t * width);
    tokens.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(width));
  }
  return tokens;
}

std::vector<pipelines::ModelRunner::Row> run_texts(const pipelines::ModelRunner& runner,
                                                   const std::vector<TextInput>& inputs) {
  const auto& text = runner.processor_for<processors::TextProcessor>("feature-extraction");
  return runner.run(text.prepare(inputs), {kHiddenStates});
}

}  // namespace

std::vector<float> pool_tokens(const std::vector<std::vector<float>>& tokens,
                               const SentencePooling& pooling) {
  if (tokens.empty()) throw std::invalid_argument("input encoded to no tokens");
  std::vector<double> pooled(tokens.front().size(), 0.0);
  if (pooling.mode == "cls") {
    std::copy(tokens.front().begin(), tokens.front().end(), pooled.begin());
  } else if (pooling.mode == "max") {
    std::fill(pooled.begin(), pooled.end(), -std::numeric_limits<double>::infinity());
    for (const auto& token : tokens) {
      for (std::size_t d = 0; d < pooled.size(); ++d) {
        pooled[d] = std::max<double>(pooled[d], token[d]);
      }
    }
  } else {
    for (const auto& token : tokens) {
      for (std::size_t d = 0; d < pooled.size(); ++d) pooled[d] += token[d];
    }
    for (double& value : pooled) value /= static_cast<double>(tokens.size());
  }
  if (pooling.normalize) {
    double norm = 0;
    for (double value : pooled) norm += value * value;
    norm = std::max(std::sqrt(norm), 1e-12);
    for (double& value : pooled) value /= norm;
  }
  return {pooled.begin(), pooled.end()};
}

FeatureExtractionPipeline::FeatureExtractionPipeline(std::shared_ptr<const Package> package,
                                                     const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {}

FeatureExtractionPipeline::FeatureExtractionPipeline(const std::string& package_path,
                                                     const PipelineOptions& options)
    : FeatureExtractionPipeline(
          std::make_shared<const Package>(Package::open(package_path, options.task)), options) {}

std::vector<std::vector<std::vector<float>>> FeatureExtractionPipeline::operator()(
    const std::vector<TextInput>& inputs) const {
  std::vector<std::vector<std::vector<float>>> results;
  for (const auto& row : run_texts(*runner_, inputs)) results.push_back(real_tokens(row));
  return results;
}

std::vector<std::vector<float>> FeatureExtractionPipeline::sentence_embeddings(
    const std::vector<TextInput>& inputs) const {
  const SentencePooling pooling =
      runner_->package().sentence_pooling().value_or(SentencePooling{"mean", false});
  std::vector<std::vector<float>> results;
  for (const auto& row : run_texts(*runner_, inputs)) {
    results.push_back(pool_tokens(real_tokens(row), pooling));
  }
  return results;
}

namespace {

Value floats_value(const std::vector<float>& values) {
  Value::Array out;
  out.reserve(values.size());
  for (float v : values) out.emplace_back(static_cast<double>(v));
  return Value(std::move(out));
}

class FeatureExtractionTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "feature-extraction";

  FeatureExtractionTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                        const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options) {}

 protected:
  // Per input: [1][tokens][hidden] as transformers nests it, or with sentence_embedding the
  // pooled [hidden] vector.
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    const auto texts = pipelines::text_inputs(inputs);
    std::vector<Value> results;
    if (options.find("sentence_embedding")->as_bool()) {
      for (const auto& embedding : typed_.sentence_embeddings(texts)) {
        results.push_back(floats_value(embedding));
      }
      return results;
    }
    for (const auto& tokens : typed_(texts)) {
      Value::Array rows;
      rows.reserve(tokens.size());
      for (const auto& token : tokens) rows.push_back(floats_value(token));
      results.push_back(Value(Value::Array{Value(std::move(rows))}));
    }
    return results;
  }

 private:
  FeatureExtractionPipeline typed_;
};

}  // namespace

TaskInfo feature_extraction_task() {
  TaskInfo task = pipelines::text_task("feature-extraction", "AutoModel",
                                       "ORTModelForFeatureExtraction", {"last_hidden_state"},
                                       {"Model"}, "a text, or {\"text\": ..., \"text_pair\": ...}");
  task.options = {
      {"sentence_embedding",
       OptionKind::kFlag,
       Value(false),
       {},
       "pooled sentence embeddings (the package's sentence-transformers pooling, else mean) "
       "instead of hidden states per token"},
  };
  task.create = pipelines::create_task_pipeline<FeatureExtractionTask>;
  return task;
}

}  // namespace modelexport
