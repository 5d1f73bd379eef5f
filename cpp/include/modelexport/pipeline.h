// Task pipelines over a package: the task, the processor and the input shapes all come from
// the package. Outputs mirror the transformers pipelines field for field.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/session.h"

namespace modelexport {

class Package;
class Tokenizer;

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
    std::vector<std::int64_t> ids;  // of the encoded input (padding included)
    std::vector<std::int64_t> attention_mask;
    std::vector<FloatTensor> outputs;  // this input's slice of each requested output
  };
  // Thread-safe.
  std::vector<Row> run(const std::vector<TextInput>& inputs,
                       const std::vector<std::string>& output_names) const;

 private:
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
