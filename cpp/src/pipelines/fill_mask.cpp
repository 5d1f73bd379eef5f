// fill-mask: softmax over the vocabulary at each mask position, top_k, optional targets;
// sequences decoded like transformers (padding dropped, special tokens skipped for one mask).
#include "modelexport/pipelines/fill_mask.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "modelexport/package.h"
#include "pipelines/model_runner.h"
#include "pipelines/numeric.h"
#include "pipelines/task_support.h"
#include "pipelines/text_inputs.h"
#include "processors/text_processor.h"

namespace modelexport {
std::vector<std::pair<std::int64_t, double>> top_tokens(
    const std::vector<float>& logits, std::size_t top_k,
    const std::vector<std::int64_t>& target_ids) {
  const std::vector<double> scores = pipelines::softmax(logits.data(), logits.size());
  std::vector<std::int64_t> candidates = target_ids;
  if (candidates.empty()) {
    candidates.resize(scores.size());
    std::iota(candidates.begin(), candidates.end(), 0);
  }
  const std::size_t k = std::min(top_k, candidates.size());
  auto score = [&](std::int64_t id) { return scores.at(static_cast<std::size_t>(id)); };
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                    candidates.end(), [&](std::int64_t a, std::int64_t b) {
                      return score(a) > score(b) || (score(a) == score(b) && a < b);
                    });
  std::vector<std::pair<std::int64_t, double>> out;
  for (std::size_t c = 0; c < k; ++c) out.emplace_back(candidates[c], score(candidates[c]));
  return out;
}

FillMaskPipeline::FillMaskPipeline(std::shared_ptr<const Package> package,
                                   const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {
  const Package& p = runner_->package();
  auto mask = p.special_token("mask_token");
  std::optional<std::int64_t> id =
      mask ? runner_->processor_for<processors::TextProcessor>("fill-mask")
                 .tokenizer()
                 .token_to_id(*mask)
           : std::nullopt;
  if (!id) {
    throw std::invalid_argument(p.model_path() +
                                ": fill-mask needs a mask token (none in the tokenizer config)");
  }
  mask_id_ = *id;
  if (auto pad = p.pad_token()) pad_id_ = pad->second;
}

FillMaskPipeline::FillMaskPipeline(const std::string& package_path, const PipelineOptions& options)
    : FillMaskPipeline(std::make_shared<const Package>(Package::open(package_path, options.task)),
                       options) {}

std::vector<std::vector<std::vector<FillMaskCandidate>>> FillMaskPipeline::operator()(
    const std::vector<TextInput>& inputs, std::size_t top_k,
    const std::vector<std::string>& targets) const {
  const processors::TextProcessor& text =
      runner_->processor_for<processors::TextProcessor>("fill-mask");
  const Tokenizer& tokenizer = text.tokenizer();
  std::vector<std::int64_t> target_ids;
  for (const auto& target : targets) {
    if (auto id = tokenizer.token_to_id(target)) {
      target_ids.push_back(*id);
    } else {
      auto pieces = tokenizer.encode(target, std::nullopt, /*add_special_tokens=*/false).ids;
      if (!pieces.empty()) target_ids.push_back(pieces.front());
    }
  }
  std::sort(target_ids.begin(), target_ids.end());
  target_ids.erase(std::unique(target_ids.begin(), target_ids.end()), target_ids.end());
  if (!targets.empty() && target_ids.empty()) {
    throw std::invalid_argument("none of the targets is in the model vocabulary");
  }
  std::vector<std::vector<std::vector<FillMaskCandidate>>> results;
  std::size_t index = 0;
  for (const auto& row : runner_->run(text.prepare(inputs), {"logits"})) {
    const Encoding& encoding = row.input.encoding;
    const FloatTensor& logits = row.outputs.front();
    pipelines::check_output(logits, "logits", {encoding.size(), std::nullopt});
    const auto vocab = static_cast<std::size_t>(logits.shape.back());
    std::vector<std::size_t> masks;
    for (std::size_t t = 0; t < encoding.ids.size(); ++t) {
      if (encoding.ids[t] == mask_id_ && encoding.attention_mask[t] == 1) masks.push_back(t);
    }
    if (masks.empty()) {
      throw std::invalid_argument("input " + std::to_string(index) + " has no mask token");
    }
    std::vector<std::int64_t> unpadded;
    for (std::int64_t id : encoding.ids) {
      if (!pad_id_ || id != *pad_id_) unpadded.push_back(id);
    }
    auto& per_input = results.emplace_back();
    for (std::size_t mask : masks) {
      const auto begin = logits.data.begin() + static_cast<std::ptrdiff_t>(mask * vocab);
      const auto best =
          top_tokens({begin, begin + static_cast<std::ptrdiff_t>(vocab)}, top_k, target_ids);
      // The mask's position among the unpadded ids (padding only ever follows real tokens
      // here, or precedes them all when padding is on the left).
      std::size_t position = mask;
      if (pad_id_) {
        position = static_cast<std::size_t>(std::count_if(
            encoding.ids.begin(), encoding.ids.begin() + static_cast<std::ptrdiff_t>(mask),
            [&](std::int64_t id) { return id != *pad_id_; }));
      }
      auto& per_mask = per_input.emplace_back();
      for (const auto& [token, score] : best) {
        std::vector<std::int64_t> filled = unpadded;
        filled[position] = token;
        per_mask.push_back({score, token, tokenizer.decode({token}, /*skip_special_tokens=*/false),
                            tokenizer.decode(filled, /*skip_special_tokens=*/masks.size() == 1)});
      }
    }
    ++index;
  }
  return results;
}

namespace {

class FillMaskTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "fill-mask";

  FillMaskTask(const TaskInfo& task, std::shared_ptr<const Package> package,
               const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options) {}

 protected:
  // transformers returns the result alone for a one-element list too.
  std::vector<Value> gather_inputs(const Value& inputs, const Value& options,
                                   bool& single) const override {
    std::vector<Value> items = Pipeline::gather_inputs(inputs, options, single);
    single = items.size() == 1;
    return items;
  }

  // Per input: the candidate list of its mask, or one list per mask when it has several.
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    std::vector<std::string> targets;
    if (const Value* given = options.find("targets")) {
      for (const auto& t : given->as_array()) targets.push_back(t.as_string());
    }
    const auto top_k = static_cast<std::size_t>(options.find("top_k")->as_int());
    std::vector<Value> results;
    for (const auto& masks : typed_(pipelines::text_inputs(inputs), top_k, targets)) {
      Value per_mask = Value::array();
      for (const auto& candidates : masks) {
        Value list = Value::array();
        for (const auto& c : candidates) {
          list.push_back(Value::object({{"score", c.score},
                                        {"token", c.token},
                                        {"token_str", c.token_str},
                                        {"sequence", c.sequence}}));
        }
        per_mask.push_back(std::move(list));
      }
      results.push_back(per_mask.size() == 1 ? per_mask.as_array().front() : per_mask);
    }
    return results;
  }

 private:
  FillMaskPipeline typed_;
};

}  // namespace

TaskInfo fill_mask_task() {
  TaskInfo task =
      pipelines::text_task("fill-mask", "AutoModelForMaskedLM", "ORTModelForMaskedLM", {"logits"},
                           {"ForMaskedLM"}, "a text with the tokenizer's mask token");
  task.options = {
      {"top_k", OptionKind::kCount, Value(5), {}, "candidates per mask (default 5)"},
      {"targets", OptionKind::kTexts, Value(), {}, "only these candidate tokens (A,B,...)"},
  };
  task.create = pipelines::create_task_pipeline<FillMaskTask>;
  return task;
}

}  // namespace modelexport
