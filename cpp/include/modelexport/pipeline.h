// Task pipelines over a package: the task, the processor and the input shapes all come from
// the package. Outputs mirror the transformers pipelines field for field.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modelexport/session.h"
#include "modelexport/tokenizer.h"

namespace modelexport {

class Package;

// One input: a text, or a text pair (sentence-pair classification).
struct TextInput {
  std::string text;
  std::optional<std::string> pair;
};

struct PipelineOptions {
  std::string task;  // empty: the package's task
  SessionOptions session;
  // Runs per batch for models with a dynamic batch axis (a fixed batch size wins).
  std::size_t max_batch_size = 16;
};

struct ScoredLabel {
  std::string label;
  double score = 0;
};

enum class ClassificationFunction { kDefault, kSigmoid, kSoftmax, kNone };

// Encodes texts and runs the model in batches that fit the graph's input shapes: fixed
// dimensions are padded/truncated to, a larger batch is split, a smaller one padded (the padded
// rows dropped); dynamic dimensions pad to the longest input of the batch.
class TextModelRunner {
 public:
  TextModelRunner(const std::string& package_path, const PipelineOptions& options);
  TextModelRunner(TextModelRunner&&) noexcept;
  ~TextModelRunner();

  const Package& package() const;
  const Tokenizer& tokenizer() const;

  struct Row {
    Encoding encoding;                 // of the input, padded as the graph was fed
    std::vector<FloatTensor> outputs;  // this input's slice of each requested output
  };
  // Thread-safe.
  std::vector<Row> run(const std::vector<TextInput>& inputs,
                       const std::vector<std::string>& output_names) const;
  // Runs inputs the caller encoded (e.g. overflowing windows), at most the graph's fixed length
  // each; pads them to the fixed length, or per batch to the longest. Thread-safe.
  std::vector<Row> run_encoded(std::vector<Encoding> encodings,
                               const std::vector<std::string>& output_names) const;
  // The sequence length the graph fixes, if any.
  std::optional<std::size_t> fixed_length() const;

 private:
  void run_batch(std::vector<Encoding> batch, std::size_t real,
                 const std::vector<std::string>& output_names, std::vector<Row>& rows) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class TextClassificationPipeline {
 public:
  explicit TextClassificationPipeline(const std::string& package_path,
                                      const PipelineOptions& options = {});
  // Labels sorted by score, best first; `top_k` nullopt keeps all of them.
  std::vector<std::vector<ScoredLabel>> operator()(
      const std::vector<TextInput>& inputs, std::optional<std::size_t> top_k = 1,
      ClassificationFunction function = ClassificationFunction::kDefault) const;

 private:
  TextModelRunner runner_;
};

// One proposal for a masked position, as transformers' fill-mask returns it.
struct FillMaskCandidate {
  double score = 0;
  std::int64_t token = 0;
  std::string token_str;
  std::string sequence;  // the input with this token in place of the mask, decoded
};

class FillMaskPipeline {
 public:
  explicit FillMaskPipeline(const std::string& package_path, const PipelineOptions& options = {});
  // Per input, per mask token in it (in order): the top_k candidates, best first. `targets`
  // restricts candidates to those tokens (a word missing from the vocabulary stands for its
  // first sub-token). Throws std::invalid_argument when an input has no mask token.
  std::vector<std::vector<std::vector<FillMaskCandidate>>> operator()(
      const std::vector<TextInput>& inputs, std::size_t top_k = 5,
      const std::vector<std::string>& targets = {}) const;

 private:
  TextModelRunner runner_;
  std::int64_t mask_id_;
  std::optional<std::int64_t> pad_id_;
};

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
  explicit TokenClassificationPipeline(const std::string& package_path,
                                       const PipelineOptions& options = {});
  // Per input: its entities in text order, without those labelled with one of ignore_labels.
  // Tokens past the graph's length are truncated, as transformers truncates to the model's.
  std::vector<std::vector<TokenEntity>> operator()(
      const std::vector<std::string>& texts,
      AggregationStrategy strategy = AggregationStrategy::kNone,
      const std::vector<std::string>& ignore_labels = {"O"}) const;

 private:
  TextModelRunner runner_;
  std::optional<std::int64_t> unk_id_;
};

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

class QuestionAnsweringPipeline {
 public:
  explicit QuestionAnsweringPipeline(const std::string& package_path,
                                     const PipelineOptions& options = {});
  // Per input: up to top_k answers, best first, gathered over every window of the context.
  // Throws std::invalid_argument for options transformers rejects (doc_stride > max_seq_len,
  // max_answer_len 0, top_k 0) or a question too long to leave room for the context.
  std::vector<std::vector<Answer>> operator()(const std::vector<QuestionAnsweringInput>& inputs,
                                              const QuestionAnsweringOptions& options = {}) const;

 private:
  TextModelRunner runner_;
  std::optional<std::int64_t> cls_id_;
};

class FeatureExtractionPipeline {
 public:
  explicit FeatureExtractionPipeline(const std::string& package_path,
                                     const PipelineOptions& options = {});
  // Per input: [tokens][hidden] hidden states of its real (unpadded) tokens.
  std::vector<std::vector<std::vector<float>>> operator()(
      const std::vector<TextInput>& inputs) const;
  // Per input: the sentence embedding by the package's sentence-transformers pooling (mean
  // pooling, not normalized, when the package has none).
  std::vector<std::vector<float>> sentence_embeddings(const std::vector<TextInput>& inputs) const;

 private:
  TextModelRunner runner_;
};

}  // namespace modelexport
