// token-classification, typed: entities per token or per word group, as transformers'
// TokenClassificationPipeline (named-entity recognition).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modelexport/pipeline.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

enum class AggregationStrategy { kNone, kSimple, kFirst, kAverage, kMax };
// "none" | "simple" | "first" | "average" | "max"; throws std::invalid_argument otherwise.
AggregationStrategy parse_aggregation_strategy(std::string_view name);

// One result of token-classification as transformers returns it: per token with kNone
// (`entity` is the label, `index` the token position), else per group of words (`entity` is
// the entity group, no index). start/end are character offsets into the input.
struct TokenEntity {
  std::string entity;
  double score = 0;
  std::optional<std::size_t> index;
  std::string word;
  std::size_t start = 0;
  std::size_t end = 0;
};

class TokenClassificationPipeline {
 public:
  explicit TokenClassificationPipeline(std::shared_ptr<const Package> package,
                                       const PipelineOptions& options = {});
  explicit TokenClassificationPipeline(const std::string& package_path,
                                       const PipelineOptions& options = {});
  // Per input: its entities in text order, without those labelled with one of ignore_labels.
  // Tokens past the graph's length are truncated, as transformers truncates to the model's.
  std::vector<std::vector<TokenEntity>> operator()(
      const std::vector<std::string>& texts,
      AggregationStrategy strategy = AggregationStrategy::kNone,
      const std::vector<std::string>& ignore_labels = {"O"}) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
  std::optional<std::int64_t> unk_id_;
};

}  // namespace modelexport
