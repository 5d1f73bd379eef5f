// zero-shot-image-classification: the image tower once per image, the text tower once per
// hypothesis (cached across calls), logits as CLIP's and SigLIP's heads compute them.
#include "modelexport/pipelines/zero_shot_image_classification.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "modelexport/package.h"
#include "modelexport/pipelines/zero_shot_classification.h"
#include "pipelines/image_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/numeric.h"
#include "pipelines/task_support.h"
#include "processors/image_processor.h"
#include "processors/text_processor.h"

namespace modelexport {
namespace {

constexpr const char* kTask = "zero-shot-image-classification";
constexpr const char* kTextGraph = "text_model.onnx";
constexpr const char* kVisionGraph = "vision_model.onnx";
// Past this many cached hypotheses the cache starts over (bounded memory for long-running
// servers fed ever new labels).
constexpr std::size_t kMaxCachedHypotheses = 65536;

double number_member(const nlohmann::json& config, const char* key, double fallback,
                     const std::string& origin) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_number()) {
    throw std::invalid_argument(origin + ": hf_processor_config " + key + " is not a number");
  }
  return config[key].get<double>();
}

std::vector<float> embedding(const FloatTensor& output, const std::string& name) {
  pipelines::check_output(output, name, {std::nullopt});
  return output.data;
}

}  // namespace

std::vector<ScoredLabel> rank_similarities(const std::vector<double>& logits,
                                           const std::vector<std::string>& candidate_labels,
                                           SimilarityScore score) {
  std::vector<double> scores = logits;
  if (score == SimilarityScore::kSoftmax) {
    pipelines::softmax_in_place(scores);
  } else {
    pipelines::sigmoid_in_place(scores);
  }
  std::vector<ScoredLabel> ranked;
  for (std::size_t i = 0; i < scores.size(); ++i)
    ranked.push_back({candidate_labels[i], scores[i]});
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const ScoredLabel& a, const ScoredLabel& b) { return a.score > b.score; });
  return ranked;
}

struct ZeroShotImageClassificationPipeline::Impl {
  Impl(const std::shared_ptr<const Package>& package, const PipelineOptions& options)
      : text(package, options, kTextGraph, processors::TextProcessor::kType),
        vision(package, options, kVisionGraph, processors::ImageProcessor::kType) {
    const std::string origin = package->model_path();
    nlohmann::json processor = nlohmann::json::object();
    for (const auto& [key, value] : package->metadata()) {
      if (key == "hf_processor_config") processor = nlohmann::json::parse(value, nullptr, false);
    }
    if (!processor.is_object() || !processor.contains("logit_scale")) {
      throw std::invalid_argument(origin + ": hf_processor_config has no logit_scale (export the " +
                                  std::string(kTask) + " package with modelexport)");
    }
    scale = std::exp(number_member(processor, "logit_scale", 0.0, origin));
    bias = number_member(processor, "logit_bias", 0.0, origin);
    const auto config = nlohmann::json::parse(package->model_config_json(), nullptr, false);
    const std::string model_type =
        config.is_object() && config.contains("model_type") && config["model_type"].is_string()
            ? config["model_type"].get<std::string>()
            : "";
    // transformers' rule: "siglip" in the model type means sigmoid scores.
    score = model_type.find("siglip") != std::string::npos ? SimilarityScore::kSigmoid
                                                           : SimilarityScore::kSoftmax;
  }

  // The text embedding of each hypothesis, the text tower run only for those not cached.
  std::vector<std::vector<float>> text_embeddings(
      const std::vector<std::string>& hypotheses) const {
    std::vector<TextInput> missing;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& h : hypotheses) {
        if (!cache.count(h) && std::none_of(missing.begin(), missing.end(),
                                            [&](const TextInput& m) { return m.text == h; })) {
          missing.push_back({h, std::nullopt});
        }
      }
    }
    std::unordered_map<std::string, std::vector<float>> computed;
    if (!missing.empty()) {
      const auto& tokenizer = text.processor_for<processors::TextProcessor>(kTask);
      const auto rows = text.run(tokenizer.prepare(missing), {"text_embeds"});
      for (std::size_t i = 0; i < rows.size(); ++i) {
        computed[missing[i].text] = embedding(rows[i].outputs.front(), "text_embeds");
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    if (cache.size() + computed.size() > kMaxCachedHypotheses) cache.clear();
    std::vector<std::vector<float>> out;
    for (const auto& h : hypotheses) {
      auto fresh = computed.find(h);
      if (fresh != computed.end()) {
        cache[h] = fresh->second;
        out.push_back(fresh->second);
      } else {
        out.push_back(cache.at(h));
      }
    }
    return out;
  }

  pipelines::ModelRunner text;
  pipelines::ModelRunner vision;
  double scale = 1.0;
  double bias = 0.0;
  SimilarityScore score = SimilarityScore::kSoftmax;
  mutable std::mutex mutex;
  mutable std::unordered_map<std::string, std::vector<float>> cache;
};

ZeroShotImageClassificationPipeline::ZeroShotImageClassificationPipeline(
    std::shared_ptr<const Package> package, const PipelineOptions& options)
    : impl_(std::make_unique<Impl>(package, options)) {}

ZeroShotImageClassificationPipeline::~ZeroShotImageClassificationPipeline() = default;

std::size_t ZeroShotImageClassificationPipeline::cached_hypotheses() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->cache.size();
}

std::vector<std::vector<ScoredLabel>> ZeroShotImageClassificationPipeline::operator()(
    const std::vector<Image>& images, const std::vector<std::string>& candidate_labels,
    const std::string& hypothesis_template) const {
  if (candidate_labels.empty()) {
    throw PipelineError(std::string(kTask) + ": candidate_labels is empty; give at least one");
  }
  std::vector<std::string> hypotheses;
  for (const auto& label : candidate_labels) {
    hypotheses.push_back(format_hypothesis(hypothesis_template, label));
  }
  const auto texts = impl_->text_embeddings(hypotheses);
  const auto& processor = impl_->vision.processor_for<processors::ImageProcessor>(kTask);
  std::vector<std::vector<ScoredLabel>> results;
  for (const auto& row :
       impl_->vision.run(pipelines::prepare_images(processor, images), {"image_embeds"})) {
    const std::vector<float> image = embedding(row.outputs.front(), "image_embeds");
    std::vector<double> logits;
    for (const auto& text : texts) {
      if (text.size() != image.size()) {
        throw std::runtime_error(impl_->text.package().model_path() + ": text_embeds has " +
                                 std::to_string(text.size()) + " values, image_embeds " +
                                 std::to_string(image.size()));
      }
      // Both towers return unit vectors: the dot product is the cosine similarity.
      const double dot = std::inner_product(text.begin(), text.end(), image.begin(), 0.0);
      logits.push_back(impl_->scale * dot + impl_->bias);
    }
    results.push_back(rank_similarities(logits, candidate_labels, impl_->score));
  }
  return results;
}

namespace {

class ZeroShotImageClassificationTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "zero-shot-image-classification";

  ZeroShotImageClassificationTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                                  const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.image_decode) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    const auto candidates = candidate_labels_option(options.find("candidate_labels"), kTask);
    const auto rows = typed_(pipelines::image_inputs(inputs, decode_), candidates,
                             options.find("hypothesis_template")->as_string());
    std::vector<Value> results;
    for (const auto& ranked : rows) {
      Value list = Value::array();
      for (const auto& l : ranked) {
        list.push_back(Value::object({{"score", l.score}, {"label", l.label}}));
      }
      results.push_back(std::move(list));
    }
    return results;
  }

 private:
  ZeroShotImageClassificationPipeline typed_;
  ImageDecodeOptions decode_;
};

}  // namespace

TaskInfo zero_shot_image_classification_task() {
  TaskInfo task = pipelines::image_task(
      kTask, "AutoModelForZeroShotImageClassification", "ORTModelForZeroShotImageClassification",
      {"logits_per_image", "logits_per_text", "text_embeds", "image_embeds"},
      {"CLIPModel", "SiglipModel"});
  task.modality = "image-text";
  task.processor = "image-text";
  task.options = {
      candidate_labels_schema(),
      {"hypothesis_template",
       OptionKind::kText,
       Value("This is a photo of {}."),
       {},
       "the text each label is put into, {} marking where (default \"This is a photo of {}.\")"},
  };
  task.create = pipelines::create_task_pipeline<ZeroShotImageClassificationTask>;
  return task;
}

}  // namespace modelexport
