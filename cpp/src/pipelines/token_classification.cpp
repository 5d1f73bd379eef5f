// token-classification: per-token softmax over id2label, then transformers' aggregation
// (none / simple / first / average / max) with its sub-word rule and B-/I- grouping.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "modelexport/pipelines/token_classification.h"

#include "modelexport/package.h"
#include "pipelines/model_runner.h"
#include "pipelines/numeric.h"
#include "pipelines/task_support.h"
#include "pipelines/text_inputs.h"
#include "processors/text_processor.h"

namespace modelexport {
namespace {

// One non-special token with what aggregation needs (transformers' "pre-entity").
struct PreEntity {
  std::string word;
  std::vector<double> scores;
  std::size_t start = 0;
  std::size_t end = 0;
  std::size_t index = 0;
  bool is_subword = false;
};

// Byte position of each character of `text`, plus text.size() at the end, so that character
// offsets (what the tokenizer returns, like Python) can slice the UTF-8 input.
std::vector<std::size_t> char_starts(const std::string& text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  return starts;
}

std::size_t count_chars(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

using pipelines::softmax;

std::size_t argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// transformers' get_tag: ("B"|"I", tag); names without a B-/I- prefix count as "I".
std::pair<char, std::string> bio_tag(const std::string& name) {
  if (name.rfind("B-", 0) == 0) return {'B', name.substr(2)};
  if (name.rfind("I-", 0) == 0) return {'I', name.substr(2)};
  return {'I', name};
}

class Aggregator {
 public:
  Aggregator(const Tokenizer& tokenizer, const std::vector<std::string>& labels)
      : tokenizer_(tokenizer), labels_(labels) {}

  const std::string& label(std::size_t id) const {
    if (id >= labels_.size()) throw std::runtime_error("the model has more logits than labels");
    return labels_[id];
  }

  // transformers' aggregate_word: one entity for the tokens of one word.
  TokenEntity word_entity(const std::vector<const PreEntity*>& tokens,
                          AggregationStrategy strategy) const {
    std::vector<std::string> pieces;
    for (const PreEntity* t : tokens) pieces.push_back(t->word);
    TokenEntity entity;
    entity.word = tokenizer_.decode_tokens(std::move(pieces));
    entity.start = tokens.front()->start;
    entity.end = tokens.back()->end;
    std::vector<double> scores;
    if (strategy == AggregationStrategy::kFirst) {
      scores = tokens.front()->scores;
    } else if (strategy == AggregationStrategy::kMax) {
      const PreEntity* best = tokens.front();
      double best_score = *std::max_element(best->scores.begin(), best->scores.end());
      for (const PreEntity* t : tokens) {
        const double top = *std::max_element(t->scores.begin(), t->scores.end());
        if (top > best_score) best = t, best_score = top;
      }
      scores = best->scores;
    } else {
      scores.assign(tokens.front()->scores.size(), 0.0);
      for (const PreEntity* t : tokens) {
        for (std::size_t i = 0; i < scores.size(); ++i) scores[i] += t->scores[i];
      }
      for (double& s : scores) s /= static_cast<double>(tokens.size());
    }
    const std::size_t best = argmax(scores);
    entity.entity = label(best);
    entity.score = scores[best];
    return entity;
  }

  // transformers' group_sub_entities.
  TokenEntity group(const std::vector<TokenEntity>& members) const {
    TokenEntity grouped;
    const std::string& first = members.front().entity;
    const std::size_t dash = first.find('-');
    grouped.entity = dash == std::string::npos ? first : first.substr(dash + 1);
    std::vector<std::string> words;
    for (const TokenEntity& m : members) {
      grouped.score += m.score;
      words.push_back(m.word);
    }
    grouped.score /= static_cast<double>(members.size());
    grouped.word = tokenizer_.decode_tokens(std::move(words));
    grouped.start = members.front().start;
    grouped.end = members.back().end;
    return grouped;
  }

  // transformers' group_entities: adjacent entities with the same tag merge unless the next
  // one starts with B-.
  std::vector<TokenEntity> group_entities(const std::vector<TokenEntity>& entities) const {
    std::vector<TokenEntity> groups;
    std::vector<TokenEntity> pending;
    for (const TokenEntity& entity : entities) {
      if (!pending.empty()) {
        const auto [bi, tag] = bio_tag(entity.entity);
        const auto [last_bi, last_tag] = bio_tag(pending.back().entity);
        (void)last_bi;
        if (!(tag == last_tag && bi != 'B')) {
          groups.push_back(group(pending));
          pending.clear();
        }
      }
      pending.push_back(entity);
    }
    if (!pending.empty()) groups.push_back(group(pending));
    return groups;
  }

 private:
  const Tokenizer& tokenizer_;
  const std::vector<std::string>& labels_;
};

}  // namespace

AggregationStrategy parse_aggregation_strategy(std::string_view name) {
  if (name == "none") return AggregationStrategy::kNone;
  if (name == "simple") return AggregationStrategy::kSimple;
  if (name == "first") return AggregationStrategy::kFirst;
  if (name == "average") return AggregationStrategy::kAverage;
  if (name == "max") return AggregationStrategy::kMax;
  throw std::invalid_argument("unknown aggregation strategy '" + std::string(name) +
                              "' (use none, simple, first, average or max)");
}

TokenClassificationPipeline::TokenClassificationPipeline(std::shared_ptr<const Package> package,
                                                         const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {
  if (auto unk = runner_->package().special_token("unk_token")) {
    unk_id_ = runner_->processor_for<processors::TextProcessor>("token-classification")
                  .tokenizer()
                  .token_to_id(*unk);
  }
}

TokenClassificationPipeline::TokenClassificationPipeline(const std::string& package_path,
                                                         const PipelineOptions& options)
    : TokenClassificationPipeline(
          std::make_shared<const Package>(Package::open(package_path, options.task)), options) {}

std::vector<std::vector<TokenEntity>> TokenClassificationPipeline::operator()(
    const std::vector<std::string>& texts, AggregationStrategy strategy,
    const std::vector<std::string>& ignore_labels) const {
  const processors::TextProcessor& text =
      runner_->processor_for<processors::TextProcessor>("token-classification");
  const Tokenizer& tokenizer = text.tokenizer();
  const Aggregator aggregator(tokenizer, runner_->package().labels());
  const bool word_aware = tokenizer.continuing_subword_prefix().has_value();
  std::vector<TextInput> inputs;
  for (const auto& sentence : texts) inputs.push_back({sentence, std::nullopt});
  const std::vector<pipelines::ModelRunner::Row> rows =
      runner_->run(text.prepare(inputs), {"logits"});

  std::vector<std::vector<TokenEntity>> results;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string& sentence = texts[r];
    const std::vector<std::size_t> starts = char_starts(sentence);
    auto slice = [&](std::size_t from, std::size_t to) {
      from = std::min(from, starts.size() - 1);
      to = std::min(std::max(to, from), starts.size() - 1);
      return sentence.substr(starts[from], starts[to] - starts[from]);
    };
    const Encoding& encoding = rows[r].input.encoding;
    const FloatTensor& logits = rows[r].outputs.front();
    pipelines::check_output(logits, "logits", {encoding.size(), std::nullopt});
    const std::size_t n_labels = static_cast<std::size_t>(logits.shape.back());

    std::vector<PreEntity> pre;
    for (std::size_t t = 0; t < encoding.size(); ++t) {
      if (encoding.special_tokens_mask[t]) continue;
      PreEntity p;
      p.word = encoding.tokens[t];
      p.scores = softmax(logits.data.data() + t * n_labels, n_labels);
      p.start = encoding.offsets[t].first;
      p.end = encoding.offsets[t].second;
      p.index = t;
      const std::string word_ref = slice(p.start, p.end);
      if (word_aware) {
        p.is_subword = count_chars(p.word) != count_chars(word_ref);
      } else {
        // transformers' fallback heuristic: a token not preceded by a space continues a word.
        p.is_subword =
            p.start > 0 && slice(p.start - 1, p.start + 1).find(' ') == std::string::npos;
      }
      if (unk_id_ && encoding.ids[t] == *unk_id_) {
        p.word = word_ref;
        p.is_subword = false;
      }
      pre.push_back(std::move(p));
    }

    std::vector<TokenEntity> entities;
    if (strategy == AggregationStrategy::kNone || strategy == AggregationStrategy::kSimple) {
      for (const PreEntity& p : pre) {
        const std::size_t best = argmax(p.scores);
        TokenEntity e;
        e.entity = aggregator.label(best);
        e.score = p.scores[best];
        e.index = p.index;
        e.word = p.word;
        e.start = p.start;
        e.end = p.end;
        entities.push_back(std::move(e));
      }
    } else {
      std::vector<const PreEntity*> word;
      for (const PreEntity& p : pre) {
        if (!word.empty() && !p.is_subword) {
          entities.push_back(aggregator.word_entity(word, strategy));
          word.clear();
        }
        word.push_back(&p);
      }
      if (!word.empty()) entities.push_back(aggregator.word_entity(word, strategy));
    }
    if (strategy != AggregationStrategy::kNone) entities = aggregator.group_entities(entities);

    std::vector<TokenEntity> kept;
    for (TokenEntity& e : entities) {
      if (std::find(ignore_labels.begin(), ignore_labels.end(), e.entity) == ignore_labels.end()) {
        kept.push_back(std::move(e));
      }
    }
    results.push_back(std::move(kept));
  }
  return results;
}

namespace {

class TokenClassificationTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "token-classification";

  TokenClassificationTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                          const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options) {}

 protected:
  // Per input: the list of entities; {entity, score, index, word, start, end} per token
  // without aggregation, else {entity_group, score, word, start, end}. Scores are float32, as
  // transformers returns them.
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    std::vector<std::string> texts;
    for (const auto& input : pipelines::text_inputs(inputs)) {
      if (input.pair) throw PipelineError("token-classification takes single texts, not pairs");
      texts.push_back(input.text);
    }
    const AggregationStrategy strategy =
        parse_aggregation_strategy(options.find("aggregation_strategy")->as_string());
    std::vector<std::string> ignore;
    for (const auto& label : options.find("ignore_labels")->as_array()) {
      ignore.push_back(label.as_string());
    }
    const bool grouped = strategy != AggregationStrategy::kNone;
    std::vector<Value> results;
    for (const auto& entities : typed_(texts, strategy, ignore)) {
      Value list = Value::array();
      for (const auto& e : entities) {
        Value item = Value::object(
            {{grouped ? "entity_group" : "entity", e.entity}, {"score", Value::float32(e.score)}});
        if (e.index) item.set("index", *e.index);
        item.set("word", e.word);
        item.set("start", e.start);
        item.set("end", e.end);
        list.push_back(std::move(item));
      }
      results.push_back(std::move(list));
    }
    return results;
  }

 private:
  TokenClassificationPipeline typed_;
};

}  // namespace

TaskInfo token_classification_task() {
  TaskInfo task = pipelines::text_task("token-classification", "AutoModelForTokenClassification",
                                       "ORTModelForTokenClassification", {"logits"},
                                       {"ForTokenClassification"}, "a text");
  task.options = {
      {"aggregation_strategy",
       OptionKind::kChoice,
       Value("none"),
       {"none", "simple", "first", "average", "max"},
       "none (default): one entity per token; simple, first, average, max: per word group"},
      {"ignore_labels",
       OptionKind::kTexts,
       Value(Value::Array{Value("O")}),
       {},
       "labels to leave out, A,B,... (default O)"},
  };
  task.create = pipelines::create_task_pipeline<TokenClassificationTask>;
  return task;
}

}  // namespace modelexport
