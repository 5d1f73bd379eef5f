// question-answering, typed: answer spans in a context, as transformers'
// QuestionAnsweringPipeline (extractive QA).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/pipeline.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

struct QuestionAnsweringInput {
  std::string question;
  std::string context;
};

// One answer span, as transformers' question-answering returns it; start/end are character
// offsets into the context.
struct Answer {
  double score = 0;
  std::size_t start = 0;
  std::size_t end = 0;
  std::string answer;
};

struct QuestionAnsweringOptions {
  std::size_t top_k = 1;
  // Tokens shared by consecutive windows over a long context; default min(max_seq_len / 2, 128).
  std::optional<std::size_t> doc_stride;
  std::size_t max_answer_len = 15;  // in tokens
  // Window length; default the graph's fixed length, else min(model_max_length, 384).
  std::optional<std::size_t> max_seq_len;
  bool handle_impossible_answer = false;
  bool align_to_words = true;
};

// A candidate answer span of one window: [start, end] token positions and its score.
struct TokenSpan {
  std::size_t start = 0;
  std::size_t end = 0;
  double score = 0;
};

// transformers' decode_spans on one window's start/end probabilities: the top_k (start, end)
// pairs by start[s] * end[e], where pairs with e < s or e >= s + max_answer_len score 0 (they
// still fill up top_k when too few others remain, in row-major order), then only pairs whose
// ends are allowed (position 0 passes whenever any position is allowed, like numpy's lookup).
std::vector<TokenSpan> best_spans(const std::vector<double>& start, const std::vector<double>& end,
                                  const std::vector<bool>& allowed, std::size_t top_k,
                                  std::size_t max_answer_len);

class QuestionAnsweringPipeline {
 public:
  explicit QuestionAnsweringPipeline(std::shared_ptr<const Package> package,
                                     const PipelineOptions& options = {});
  explicit QuestionAnsweringPipeline(const std::string& package_path,
                                     const PipelineOptions& options = {});
  // Per input: up to top_k answers, best first, gathered over every window of the context.
  // Throws std::invalid_argument for options transformers rejects (doc_stride > max_seq_len,
  // max_answer_len 0, top_k 0) or a question too long to leave room for the context.
  std::vector<std::vector<Answer>> operator()(const std::vector<QuestionAnsweringInput>& inputs,
                                              const QuestionAnsweringOptions& options = {}) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
  std::optional<std::int64_t> cls_id_;
};

}  // namespace modelexport
