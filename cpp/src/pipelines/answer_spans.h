// Extractive answer spans, shared by question-answering and document-question-answering (the
// transformers pipelines share select_starts_ends / decode_spans): which positions of a window
// may hold an answer, and the best (start, end) spans of one window from its logits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "modelexport/encoding.h"
#include "modelexport/pipelines/question_answering.h"
#include "modelexport/session.h"
#include "modelexport/value.h"

namespace modelexport::pipelines {

// transformers' p_mask and attention mask: positions of the second sequence (every position
// when !question_first, the question being second then and left unmasked, as transformers
// does), plus the [CLS] token wherever it is (it stands for "no answer"), and only real tokens.
std::vector<bool> answer_positions(const Encoding& window, bool question_first,
                                   std::optional<std::int64_t> cls_id);

// transformers' select_starts_ends on one window: start/end logits softmaxed with the positions
// not allowed at -10000, the null score start[0] * end[0] folded into `min_null_score` when
// handle_impossible_answer, position 0 then zeroed, and decode_spans' top_k spans best first.
std::vector<TokenSpan> select_spans(const FloatTensor& start_logits, const FloatTensor& end_logits,
                                    const std::vector<bool>& allowed, std::size_t top_k,
                                    std::size_t max_answer_len, bool handle_impossible_answer,
                                    double& min_null_score);

// The window length of an extractive-QA call: `requested`, else the graph's fixed length, else
// min(the model's maximum, `cap`), else `fallback`. Throws std::invalid_argument when it exceeds
// the fixed length or the model's maximum.
std::size_t window_length(std::optional<std::size_t> requested, std::optional<std::size_t> fixed,
                          std::optional<std::int64_t> model_max, std::size_t cap,
                          std::size_t fallback);

// A count option that may be absent or None (max_seq_len, doc_stride).
std::optional<std::size_t> optional_count(const Value& options, const char* name);

}  // namespace modelexport::pipelines
