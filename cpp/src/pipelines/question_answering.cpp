// question-answering: (question, context) pairs cut into overlapping windows of the context
// (truncation only_second with doc_stride), start/end logits masked to the context, softmax,
// best spans up to max_answer_len tokens, aligned to words, as transformers' pipeline does.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"
#include "pipelines/numeric.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport {
namespace {

constexpr std::size_t kDefaultMaxSeqLen = 384;

struct Span {
  std::size_t start;
  std::size_t end;
  double score;
};

// Probabilities over the window: masked positions get logit -10000 like transformers.
std::vector<double> masked_softmax(const FloatTensor& logits, const std::vector<bool>& allowed) {
  std::vector<double> p(logits.data.begin(), logits.data.end());
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!allowed[i]) p[i] = -10000.0;
  }
  pipelines::softmax_in_place(p);
  return p;
}

// transformers' decode_spans: the top_k (start, end) pairs by start[s] * end[e], where pairs
// with e < s or e >= s + max_answer_len score 0 (they still fill up top_k when too few others
// remain, in row-major order here), then only pairs whose ends are allowed. Like numpy's lookup
// there, position 0 passes that last check whenever any position is allowed.
std::vector<Span> best_spans(const std::vector<double>& start, const std::vector<double>& end,
                             const std::vector<bool>& allowed, std::size_t top_k,
                             std::size_t max_answer_len) {
  const std::size_t n = start.size();
  auto scored = [&](std::size_t s, std::size_t e) {
    return e >= s && e < s + max_answer_len && start[s] > 0 && end[e] > 0;
  };
  std::vector<Span> candidates;
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t e = s; e < n && e < s + max_answer_len; ++e) {
      if (scored(s, e)) candidates.push_back({s, e, start[s] * end[e]});
    }
  }
  // Highest score first; equal scores in row-major order, as argmax picks them.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Span& a, const Span& b) { return a.score > b.score; });
  if (candidates.size() > top_k) candidates.resize(top_k);
  for (std::size_t s = 0; s < n && candidates.size() < top_k; ++s) {
    for (std::size_t e = 0; e < n && candidates.size() < top_k; ++e) {
      if (!scored(s, e)) candidates.push_back({s, e, 0.0});
    }
  }
  const bool any_allowed = std::find(allowed.begin(), allowed.end(), true) != allowed.end();
  auto passes = [&](std::size_t i) { return allowed[i] || (i == 0 && any_allowed); };
  std::vector<Span> kept;
  for (const Span& c : candidates) {
    if (passes(c.start) && passes(c.end)) kept.push_back(c);
  }
  return kept;
}

// Python's str.lower(), per character (what transformers compares answer texts with).
std::string lowercase(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t lowered[3];
    const char32_t c = text::decode_utf8(text, pos);
    const std::size_t n = text::unicode::to_lowercase(c, lowered);
    for (std::size_t i = 0; i < n; ++i) text::append_utf8(out, lowered[i]);
  }
  return out;
}

// tokenizers' Encoding::word_to_chars for `word` of sequence `sequence`.
std::optional<std::pair<std::size_t, std::size_t>> word_to_chars(const Encoding& e,
                                                                 std::int64_t word,
                                                                 std::int64_t sequence) {
  // The sequence's token range (tokenizers keeps it as one range per sequence id).
  std::size_t first = e.size();
  std::size_t last = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e.sequence_ids[i] == sequence) first = std::min(first, i), last = i + 1;
  }
  if (first >= last) return std::nullopt;
  std::optional<std::size_t> begin;
  std::size_t stop = 0;
  for (std::size_t i = first; i < last; ++i) {
    const std::int64_t w = e.word_ids[i];
    if (w > word) break;  // words are in order; a missing word (-1) does not stop the scan
    if (w == word) {
      if (!begin) begin = i;
      stop = i + 1;
    }
  }
  if (!begin) return std::nullopt;
  return std::make_pair(e.offsets[*begin].first, e.offsets[stop - 1].second);
}

std::string char_slice(const std::string& text, std::size_t from, std::size_t to) {
  std::size_t chars = 0;
  std::size_t byte_from = text.size();
  std::size_t byte_to = text.size();
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == from) byte_from = i;
    if (chars == to) {
      byte_to = i;
      break;
    }
    ++chars;
  }
  if (byte_to < byte_from) return {};
  return text.substr(byte_from, byte_to - byte_from);
}

}  // namespace

QuestionAnsweringPipeline::QuestionAnsweringPipeline(const std::string& package_path,
                                                     const PipelineOptions& options)
    : runner_(package_path, options) {
  if (auto cls = runner_.package().special_token("cls_token")) {
    cls_id_ = runner_.tokenizer().token_to_id(*cls);
  }
}

std::vector<std::vector<Answer>> QuestionAnsweringPipeline::operator()(
    const std::vector<QuestionAnsweringInput>& inputs,
    const QuestionAnsweringOptions& options) const {
  if (options.top_k == 0) throw std::invalid_argument("top_k must be at least 1");
  if (options.max_answer_len == 0) {
    throw std::invalid_argument("max_answer_len must be at least 1");
  }
  std::size_t max_seq_len = kDefaultMaxSeqLen;
  if (options.max_seq_len) {
    max_seq_len = *options.max_seq_len;
  } else if (auto fixed = runner_.fixed_length()) {
    max_seq_len = *fixed;
  } else if (auto model_max = runner_.package().max_length(); model_max && *model_max > 0) {
    max_seq_len = std::min<std::size_t>(static_cast<std::size_t>(*model_max), kDefaultMaxSeqLen);
  }
  if (auto fixed = runner_.fixed_length(); fixed && max_seq_len > *fixed) {
    throw std::invalid_argument("max_seq_len " + std::to_string(max_seq_len) +
                                " exceeds the graph's fixed sequence length " +
                                std::to_string(*fixed));
  }
  if (auto model_max = runner_.package().max_length();
      model_max && *model_max > 0 && max_seq_len > static_cast<std::size_t>(*model_max)) {
    throw std::invalid_argument("max_seq_len " + std::to_string(max_seq_len) +
                                " exceeds the model's maximum length " +
                                std::to_string(*model_max));
  }
  for (const auto& input : inputs) {
    if (input.question.empty() || input.context.empty()) {
      throw std::invalid_argument("question and context must not be empty");
    }
  }
  const std::size_t doc_stride =
      options.doc_stride.value_or(std::min<std::size_t>(max_seq_len / 2, 128));
  if (doc_stride > max_seq_len) {
    throw std::invalid_argument("doc_stride (" + std::to_string(doc_stride) +
                                ") is larger than max_seq_len (" + std::to_string(max_seq_len) +
                                ")");
  }

  // transformers puts the question first when the tokenizer pads on the right.
  Tokenizer tokenizer = runner_.tokenizer();
  const bool question_first =
      tokenizer.padding().value_or(PaddingOptions{}).direction == Direction::kRight;
  TruncationOptions truncation;
  truncation.max_length = max_seq_len;
  truncation.strategy =
      question_first ? TruncationStrategy::kOnlySecond : TruncationStrategy::kOnlyFirst;
  truncation.stride = doc_stride;
  tokenizer.set_truncation(truncation);
  tokenizer.set_padding(std::nullopt);
  const std::int64_t context_sequence = question_first ? 1 : 0;

  // Every window of every input, in order; window_owner maps each back to its input.
  std::vector<Encoding> windows;
  std::vector<std::size_t> window_owner;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    Encoding encoding = question_first ? tokenizer.encode(in.question, in.context)
                                       : tokenizer.encode(in.context, in.question);
    std::vector<Encoding> overflowing = std::move(encoding.overflowing);
    encoding.overflowing.clear();
    windows.push_back(std::move(encoding));
    window_owner.push_back(i);
    for (Encoding& part : overflowing) {
      part.overflowing.clear();
      windows.push_back(std::move(part));
      window_owner.push_back(i);
    }
  }
  const std::vector<TextModelRunner::Row> rows =
      runner_.run_encoded(std::move(windows), {"start_logits", "end_logits"});

  std::vector<std::vector<Answer>> results(inputs.size());
  std::vector<double> min_null_score(inputs.size(), 1000000.0);
  for (std::size_t w = 0; w < rows.size(); ++w) {
    const std::size_t owner = window_owner[w];
    const Encoding& e = rows[w].encoding;
    // Context tokens may hold the answer; so may the [CLS] token (it stands for "no answer").
    std::vector<bool> allowed(e.size());
    for (std::size_t t = 0; t < e.size(); ++t) {
      const bool masked = question_first && e.sequence_ids[t] != 1;
      const bool is_cls = cls_id_ && e.ids[t] == *cls_id_;
      allowed[t] = (!masked || is_cls) && e.attention_mask[t] == 1;
    }
    std::vector<double> start = masked_softmax(rows[w].outputs[0], allowed);
    std::vector<double> end = masked_softmax(rows[w].outputs[1], allowed);
    if (options.handle_impossible_answer) {
      min_null_score[owner] = std::min(min_null_score[owner], start[0] * end[0]);
    }
    start[0] = end[0] = 0.0;
    const std::string& context = inputs[owner].context;
    // transformers looks further than top_k when aligning to words (spans may merge).
    const std::size_t most = std::numeric_limits<std::size_t>::max();
    const std::size_t candidates = !options.align_to_words           ? options.top_k
                                   : options.top_k > (most - 10) / 2 ? most
                                                                     : options.top_k * 2 + 10;
    for (const Span& span : best_spans(start, end, allowed, candidates, options.max_answer_len)) {
      std::size_t from = e.offsets[span.start].first;
      std::size_t to = e.offsets[span.end].second;
      if (options.align_to_words && e.word_ids[span.start] >= 0 && e.word_ids[span.end] >= 0) {
        auto first_word = word_to_chars(e, e.word_ids[span.start], context_sequence);
        auto last_word = word_to_chars(e, e.word_ids[span.end], context_sequence);
        if (first_word && last_word) {
          from = first_word->first;
          to = last_word->second;
        }
      }
      // The same answer text (ignoring case) found again adds to its score.
      std::string text = char_slice(context, from, to);
      const std::string key = lowercase(text);
      auto& answers = results[owner];
      auto same = std::find_if(answers.begin(), answers.end(),
                               [&](const Answer& a) { return lowercase(a.answer) == key; });
      if (same != answers.end()) {
        same->score += span.score;
      } else {
        answers.push_back({span.score, from, to, std::move(text)});
      }
    }
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& answers = results[i];
    if (options.handle_impossible_answer) answers.push_back({min_null_score[i], 0, 0, ""});
    std::stable_sort(answers.begin(), answers.end(),
                     [](const Answer& a, const Answer& b) { return a.score > b.score; });
    if (answers.size() > options.top_k) answers.resize(options.top_k);
  }
  return results;
}

}  // namespace modelexport
