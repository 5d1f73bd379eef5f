// question-answering: (question, context) pairs cut into overlapping windows of the context
// (truncation only_second with doc_stride), start/end logits masked to the context, softmax,
// best spans up to max_answer_len tokens, aligned to words, as transformers' pipeline does.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "modelexport/pipelines/question_answering.h"

#include "modelexport/package.h"
#include "pipelines/answer_spans.h"
#include "pipelines/model_runner.h"
#include "pipelines/numeric.h"
#include "pipelines/task_support.h"
#include "processors/text_processor.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport {
namespace {

constexpr std::size_t kDefaultMaxSeqLen = 384;

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

std::vector<TokenSpan> best_spans(const std::vector<double>& start, const std::vector<double>& end,
                                  const std::vector<bool>& allowed, std::size_t top_k,
                                  std::size_t max_answer_len) {
  const std::size_t n = start.size();
  auto scored = [&](std::size_t s, std::size_t e) {
    return e >= s && e < s + max_answer_len && start[s] > 0 && end[e] > 0;
  };
  std::vector<TokenSpan> candidates;
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t e = s; e < n && e < s + max_answer_len; ++e) {
      if (scored(s, e)) candidates.push_back({s, e, start[s] * end[e]});
    }
  }
  // Highest score first; equal scores in row-major order, as argmax picks them.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const TokenSpan& a, const TokenSpan& b) { return a.score > b.score; });
  if (candidates.size() > top_k) candidates.resize(top_k);
  for (std::size_t s = 0; s < n && candidates.size() < top_k; ++s) {
    for (std::size_t e = 0; e < n && candidates.size() < top_k; ++e) {
      if (!scored(s, e)) candidates.push_back({s, e, 0.0});
    }
  }
  const bool any_allowed = std::find(allowed.begin(), allowed.end(), true) != allowed.end();
  auto passes = [&](std::size_t i) { return allowed[i] || (i == 0 && any_allowed); };
  std::vector<TokenSpan> kept;
  for (const TokenSpan& c : candidates) {
    if (passes(c.start) && passes(c.end)) kept.push_back(c);
  }
  return kept;
}

QuestionAnsweringPipeline::QuestionAnsweringPipeline(std::shared_ptr<const Package> package,
                                                     const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {
  if (auto cls = runner_->package().special_token("cls_token")) {
    cls_id_ = runner_->processor_for<processors::TextProcessor>("question-answering")
                  .tokenizer()
                  .token_to_id(*cls);
  }
}

QuestionAnsweringPipeline::QuestionAnsweringPipeline(const std::string& package_path,
                                                     const PipelineOptions& options)
    : QuestionAnsweringPipeline(
          std::make_shared<const Package>(Package::open(package_path, options.task)), options) {}

std::vector<std::vector<Answer>> QuestionAnsweringPipeline::operator()(
    const std::vector<QuestionAnsweringInput>& inputs,
    const QuestionAnsweringOptions& options) const {
  if (options.top_k == 0) throw std::invalid_argument("top_k must be at least 1");
  if (options.max_answer_len == 0) {
    throw std::invalid_argument("max_answer_len must be at least 1");
  }
  const processors::TextProcessor& text =
      runner_->processor_for<processors::TextProcessor>("question-answering");
  const std::size_t max_seq_len = pipelines::window_length(options.max_seq_len, text.fixed_length(),
                                                           runner_->package().max_length(),
                                                           kDefaultMaxSeqLen, kDefaultMaxSeqLen);
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
  Tokenizer tokenizer = text.tokenizer();
  const bool question_first = text.padding().direction == Direction::kRight;
  TruncationOptions truncation;
  truncation.max_length = max_seq_len;
  truncation.strategy =
      question_first ? TruncationStrategy::kOnlySecond : TruncationStrategy::kOnlyFirst;
  truncation.stride = doc_stride;
  tokenizer.set_truncation(truncation);
  const std::size_t context_sequence = question_first ? 1 : 0;

  // Every window of every input, in order; window_owner maps each back to its input.
  std::vector<processors::Prepared> windows;
  std::vector<std::size_t> window_owner;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    Encoding encoding = question_first ? tokenizer.encode(in.question, in.context)
                                       : tokenizer.encode(in.context, in.question);
    std::vector<Encoding> overflowing = std::move(encoding.overflowing);
    encoding.overflowing.clear();
    windows.push_back({std::move(encoding)});
    window_owner.push_back(i);
    for (Encoding& part : overflowing) {
      part.overflowing.clear();
      windows.push_back({std::move(part)});
      window_owner.push_back(i);
    }
  }
  const std::vector<pipelines::ModelRunner::Row> rows =
      runner_->run(std::move(windows), {"start_logits", "end_logits"});

  std::vector<std::vector<Answer>> results(inputs.size());
  std::vector<double> min_null_score(inputs.size(), 1000000.0);
  for (std::size_t w = 0; w < rows.size(); ++w) {
    const std::size_t owner = window_owner[w];
    const Encoding& e = rows[w].input.encoding;
    // Context tokens may hold the answer; so may the [CLS] token (it stands for "no answer").
    const std::vector<bool> allowed = pipelines::answer_positions(e, question_first, cls_id_);
    pipelines::check_output(rows[w].outputs[0], "start_logits", {e.size()});
    pipelines::check_output(rows[w].outputs[1], "end_logits", {e.size()});
    const std::string& context = inputs[owner].context;
    // transformers looks further than top_k when aligning to words (spans may merge).
    const std::size_t most = std::numeric_limits<std::size_t>::max();
    const std::size_t candidates = !options.align_to_words           ? options.top_k
                                   : options.top_k > (most - 10) / 2 ? most
                                                                     : options.top_k * 2 + 10;
    for (const TokenSpan& span : pipelines::select_spans(
             rows[w].outputs[0], rows[w].outputs[1], allowed, candidates, options.max_answer_len,
             options.handle_impossible_answer, min_null_score[owner])) {
      std::size_t from = e.offsets[span.start].first;
      std::size_t to = e.offsets[span.end].second;
      if (options.align_to_words && e.word_ids[span.start] >= 0 && e.word_ids[span.end] >= 0) {
        auto first_word =
            e.word_to_chars(static_cast<std::size_t>(e.word_ids[span.start]), context_sequence);
        auto last_word =
            e.word_to_chars(static_cast<std::size_t>(e.word_ids[span.end]), context_sequence);
        if (first_word && last_word) {
          from = first_word->first;
          to = last_word->second;
        }
      }
      // The same answer text (ignoring case) found again adds to its score.
      std::string answer_text = char_slice(context, from, to);
      const std::string key = lowercase(answer_text);
      auto& answers = results[owner];
      auto same = std::find_if(answers.begin(), answers.end(),
                               [&](const Answer& a) { return lowercase(a.answer) == key; });
      if (same != answers.end()) {
        same->score += span.score;
      } else {
        answers.push_back({span.score, from, to, std::move(answer_text)});
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

namespace {

Value question_input(const Value& question, const Value& context) {
  return Value::object({{"question", question}, {"context", context}});
}

class QuestionAnsweringTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "question-answering";

  QuestionAnsweringTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                        const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options) {}

 protected:
  // transformers' ways to call: qa(question=..., context=...) with strings or lists (one
  // question for many contexts too), qa({"question", "context"}) or a list of such objects;
  // the command line gives contexts as inputs and the question as an option.
  std::vector<Value> gather_inputs(const Value& inputs, const Value& options,
                                   bool& single) const override {
    const Value* question = options.find("question");
    const Value* context = options.find("context");
    if (inputs.is_null()) {
      if (question == nullptr || context == nullptr) {
        throw PipelineError("question-answering needs question= and context=");
      }
      // transformers' argument handler: one question and one context; questions over one
      // context; or as many questions as contexts.
      std::vector<Value> pairs;
      if (question->is_string() && context->is_string()) {
        pairs.push_back(question_input(*question, *context));
      } else if (question->is_array() && context->is_string()) {
        for (const Value& q : question->as_array()) pairs.push_back(question_input(q, *context));
      } else if (question->is_array() && context->is_array()) {
        if (question->size() != context->size()) {
          throw PipelineError("questions and contexts don't have the same lengths");
        }
        for (std::size_t i = 0; i < question->size(); ++i) {
          pairs.push_back(question_input(question->as_array()[i], context->as_array()[i]));
        }
      } else {
        throw PipelineError(
            "question= and context= must be strings, a list of questions with one context, or "
            "lists of the same length");
      }
      single = pairs.size() == 1;  // transformers unwraps any one-example call
      return pairs;
    }
    if (context != nullptr) throw PipelineError("give contexts as inputs or as context=, not both");
    std::vector<Value> items = Pipeline::gather_inputs(inputs, options, single);
    single = items.size() == 1;
    if (question != nullptr) {
      if (!question->is_string()) {
        throw PipelineError("question must be one string when the contexts are the inputs");
      }
      for (Value& item : items) {
        if (!item.is_string()) {
          throw PipelineError("with question=, each input must be a context string");
        }
        item = question_input(*question, item);
      }
    }
    return items;
  }

  // Per input: the answer object when one answer remains, else the list, best first.
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    std::vector<QuestionAnsweringInput> pairs;
    for (const auto& input : inputs) {
      // {"text", "text_pair"} is read as (question, context) too, as the command line has it.
      const Value* question = input.find("question");
      const Value* context = input.find("context");
      if (question == nullptr && context == nullptr) {
        question = input.find("text");
        context = input.find("text_pair");
      }
      if (question == nullptr || context == nullptr || !question->is_string() ||
          !context->is_string()) {
        throw PipelineError(
            "question-answering inputs must be {\"question\": ..., \"context\": ...} objects "
            "(or contexts with --question / question=)");
      }
      pairs.push_back({question->as_string(), context->as_string()});
    }
    QuestionAnsweringOptions qa;
    qa.top_k = static_cast<std::size_t>(options.find("top_k")->as_int());
    qa.doc_stride = pipelines::optional_count(options, "doc_stride");
    qa.max_answer_len = static_cast<std::size_t>(options.find("max_answer_len")->as_int());
    qa.max_seq_len = pipelines::optional_count(options, "max_seq_len");
    qa.handle_impossible_answer = options.find("handle_impossible_answer")->as_bool();
    qa.align_to_words = options.find("align_to_words")->as_bool();
    std::vector<Value> results;
    for (const auto& answers : typed_(pairs, qa)) {
      Value list = Value::array();
      for (const auto& a : answers) {
        list.push_back(Value::object(
            {{"score", a.score}, {"start", a.start}, {"end", a.end}, {"answer", a.answer}}));
      }
      results.push_back(list.size() == 1 ? list.as_array().front() : list);
    }
    return results;
  }

 private:
  QuestionAnsweringPipeline typed_;
};

}  // namespace

TaskInfo question_answering_task() {
  TaskInfo task = pipelines::text_task(
      "question-answering", "AutoModelForQuestionAnswering", "ORTModelForQuestionAnswering",
      {"start_logits", "end_logits"}, {"ForQuestionAnswering"},
      "{\"question\": ..., \"context\": ...}, or a context with --question");
  task.text_pairs = true;
  task.options = {
      {"top_k", OptionKind::kCount, Value(1), {}, "answers per input (default 1)"},
      {"question", OptionKind::kTextOrTexts, Value(), {}, "the question for each context"},
      {"context", OptionKind::kTextOrTexts, Value(), {}, "the context(s) (Python: with question=)"},
      {"doc_stride",
       OptionKind::kCount,
       Value(),
       {},
       "tokens shared by the windows over a long context (default min(max_seq_len / 2, 128))"},
      {"max_answer_len",
       OptionKind::kCount,
       Value(15),
       {},
       "longest answer in tokens (default 15)"},
      {"max_seq_len",
       OptionKind::kCount,
       Value(),
       {},
       "window length (default: the graph's fixed length, else min(model maximum, 384))"},
      {"handle_impossible_answer", OptionKind::kFlag, Value(false), {}, "allow the empty answer"},
      {"align_to_words",
       OptionKind::kFlag,
       Value(true),
       {},
       "extend answers to whole words (default; the command line's --no-align-to-words turns it "
       "off)"},
  };
  task.create = pipelines::create_task_pipeline<QuestionAnsweringTask>;
  return task;
}

}  // namespace modelexport
