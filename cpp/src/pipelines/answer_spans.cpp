// Extractive answer spans (see answer_spans.h).
#include "pipelines/answer_spans.h"

#include <algorithm>

#include "pipelines/numeric.h"

namespace modelexport::pipelines {
namespace {

// Probabilities over the window: masked positions get logit -10000 like transformers.
std::vector<double> masked_softmax(const FloatTensor& logits, const std::vector<bool>& allowed) {
  std::vector<double> p(logits.data.begin(), logits.data.end());
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!allowed[i]) p[i] = -10000.0;
  }
  softmax_in_place(p);
  return p;
}

}  // namespace

std::vector<bool> answer_positions(const Encoding& window, bool question_first,
                                   std::optional<std::int64_t> cls_id) {
  std::vector<bool> allowed(window.size());
  for (std::size_t t = 0; t < window.size(); ++t) {
    const bool masked = question_first && window.sequence_ids[t] != 1;
    const bool is_cls = cls_id && window.ids[t] == *cls_id;
    allowed[t] = (!masked || is_cls) && window.attention_mask[t] == 1;
  }
  return allowed;
}

std::vector<TokenSpan> select_spans(const FloatTensor& start_logits, const FloatTensor& end_logits,
                                    const std::vector<bool>& allowed, std::size_t top_k,
                                    std::size_t max_answer_len, bool handle_impossible_answer,
                                    double& min_null_score) {
  std::vector<double> start = masked_softmax(start_logits, allowed);
  std::vector<double> end = masked_softmax(end_logits, allowed);
  if (start.empty()) return {};
  if (handle_impossible_answer) min_null_score = std::min(min_null_score, start[0] * end[0]);
  start[0] = end[0] = 0.0;
  return best_spans(start, end, allowed, top_k, max_answer_len);
}

}  // namespace modelexport::pipelines
