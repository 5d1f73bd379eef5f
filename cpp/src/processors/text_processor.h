// The tokenizer processor: tokenizer.json, truncated to what the graph takes, padded per batch
// by the shape policy with the package's padding token.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/pipelines/text_input.h"
#include "modelexport/tokenizer.h"
#include "processors/processor.h"

namespace modelexport::processors {

// tokenizer.json of the package (beside the model, or embedded in a single file); throws
// std::invalid_argument naming it when the package has none.
Tokenizer package_tokenizer(const Package& package);

class TextProcessor final : public Processor {
 public:
  static constexpr const char* kType = "tokenizer";

  TextProcessor(const Package& package, const runtime::ShapePolicy& policy);

  const std::string& type() const override;
  Feeds feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const override;

  // Encodes each input, truncated to the graph's fixed length (else the model's maximum).
  std::vector<Prepared> prepare(const std::vector<TextInput>& inputs) const;
  // The same with pairs truncated by `strategy` (zero-shot keeps the hypothesis whole with
  // only_first, as transformers does); when it cannot be satisfied (the second text alone is too
  // long), by longest_first.
  std::vector<Prepared> prepare(const std::vector<TextInput>& inputs,
                                TruncationStrategy strategy) const;
  // The tokenizer as prepare() uses it: truncation set, no padding (feeds() pads).
  const Tokenizer& tokenizer() const { return tokenizer_; }
  // How feeds() pads: the tokenizer's side and type id, the package's padding token.
  const PaddingOptions& padding() const { return padding_; }
  // The sequence length the graph fixes, if any.
  std::optional<std::size_t> fixed_length() const { return fixed_length_; }

 private:
  const Tokenizer& tokenizer_for(TruncationStrategy strategy) const;

  Tokenizer tokenizer_;
  // Copies of tokenizer_ truncating by another strategy, made when first asked for.
  mutable std::mutex strategies_mutex_;
  mutable std::map<TruncationStrategy, std::unique_ptr<const Tokenizer>> by_strategy_;
  PaddingOptions padding_;
  std::optional<std::size_t> fixed_length_;
  std::vector<std::string> input_names_;
};

}  // namespace modelexport::processors
