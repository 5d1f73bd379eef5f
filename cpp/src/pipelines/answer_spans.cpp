// Extractive answer spans (see answer_spans.h).
#include "pipelines/answer_spans.h"

#include <algorithm>
#include <stdexcept>
#include <string>

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

std::size_t window_length(std::optional<std::size_t> requested, std::optional<std::size_t> fixed,
                          std::optional<std::int64_t> model_max, std::size_t cap,
                          std::size_t fallback) {
  const bool has_max = model_max && *model_max > 0;
  std::size_t length = fallback;
  if (requested) {
    length = *requested;
  } else if (fixed) {
    length = *fixed;
  } else if (has_max) {
    length = std::min<std::size_t>(static_cast<std::size_t>(*model_max), cap);
  }
  if (fixed && length > *fixed) {
    throw std::invalid_argument("max_seq_len " + std::to_string(length) +
                                " exceeds the graph's fixed sequence length " +
                                std::to_string(*fixed));
  }
  if (has_max && length > static_cast<std::size_t>(*model_max)) {
    throw std::invalid_argument("max_seq_len " + std::to_string(length) +
                                " exceeds the model's maximum length " +
                                std::to_string(*model_max));
  }
  return length;
}

std::optional<std::size_t> optional_count(const Value& options, const char* name) {
  const Value* value = options.find(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  return static_cast<std::size_t>(value->as_int());
}

}  // namespace modelexport::pipelines
