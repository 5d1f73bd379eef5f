// The tokenizer processor (see text_processor.h).
#include "processors/text_processor.h"

#include <algorithm>
#include <stdexcept>

#include "modelexport/package.h"

namespace modelexport::processors {
namespace {

constexpr const char* kTextInputs[] = {"input_ids", "attention_mask", "token_type_ids"};

const std::vector<std::int64_t>& feature(const Encoding& e, const std::string& name) {
  if (name == "input_ids") return e.ids;
  if (name == "attention_mask") return e.attention_mask;
  return e.type_ids;
}

}  // namespace

// tokenizer.json of the package (beside the model, or embedded in a single file).
Tokenizer package_tokenizer(const Package& package) {
  const std::string name = "tokenizer.json";
  if (!package.has_file(name)) {
    throw std::invalid_argument(package.file_origin(name) +
                                ": missing (the package has no tokenizer)");
  }
  return Tokenizer::from_json_string(package.file_contents(name), package.file_origin(name));
}

TextProcessor::TextProcessor(const Package& package, const runtime::ShapePolicy& policy)
    : tokenizer_(package_tokenizer(package)) {
  for (const auto& spec : policy.inputs()) {
    const bool known = std::find(std::begin(kTextInputs), std::end(kTextInputs), spec.name) !=
                       std::end(kTextInputs);
    if (!known) {
      throw std::invalid_argument(package.model_path() + ": unexpected graph input '" + spec.name +
                                  "' for a text model");
    }
    input_names_.push_back(spec.name);
  }
  if (policy.input("input_ids") == nullptr) {
    throw std::invalid_argument(package.model_path() + ": the graph has no input_ids input");
  }
  fixed_length_ = policy.fixed_dim("input_ids", 1);

  TruncationOptions truncation;
  truncation.max_length =
      fixed_length_.value_or(static_cast<std::size_t>(package.max_length().value_or(512)));
  tokenizer_.set_truncation(truncation);
  padding_ = tokenizer_.padding().value_or(PaddingOptions{});
  if (auto pad = package.pad_token()) {
    padding_.pad_token = pad->first;
    padding_.pad_id = pad->second;
  }
  tokenizer_.set_padding(std::nullopt);
}

const std::string& TextProcessor::type() const {
  static const std::string type = kType;
  return type;
}

std::vector<Prepared> TextProcessor::prepare(const std::vector<TextInput>& inputs) const {
  std::vector<Prepared> prepared;
  prepared.reserve(inputs.size());
  for (const auto& input : inputs) {
    Prepared p;
    p.encoding =
        input.pair ? tokenizer_.encode(input.text, *input.pair) : tokenizer_.encode(input.text);
    p.encoding.overflowing.clear();
    prepared.push_back(std::move(p));
  }
  return prepared;
}

std::vector<Prepared> TextProcessor::prepare(const std::vector<TextInput>& inputs,
                                             TruncationStrategy strategy) const {
  const Tokenizer& tokenizer = tokenizer_for(strategy);
  std::vector<Prepared> prepared;
  prepared.reserve(inputs.size());
  for (const auto& input : inputs) {
    Prepared p;
    if (!input.pair) {
      p.encoding = tokenizer.encode(input.text);
    } else {
      try {
        p.encoding = tokenizer.encode(input.text, *input.pair);
      } catch (const std::invalid_argument&) {
        p.encoding = tokenizer_.encode(input.text, *input.pair);
      }
    }
    p.encoding.overflowing.clear();
    prepared.push_back(std::move(p));
  }
  return prepared;
}

const Tokenizer& TextProcessor::tokenizer_for(TruncationStrategy strategy) const {
  const auto& own = tokenizer_.truncation();
  if (own && own->strategy == strategy) return tokenizer_;
  std::lock_guard<std::mutex> lock(strategies_mutex_);
  auto& copy = by_strategy_[strategy];
  if (!copy) {
    Tokenizer tokenizer = tokenizer_;
    TruncationOptions truncation = own.value_or(TruncationOptions{});
    truncation.strategy = strategy;
    tokenizer.set_truncation(truncation);
    copy = std::make_unique<const Tokenizer>(std::move(tokenizer));
  }
  return *copy;
}

Feeds TextProcessor::feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const {
  std::size_t longest = 0;
  for (const auto& row : rows) longest = std::max(longest, row.encoding.size());
  const std::size_t length = policy.padded_length("input_ids", 1, longest);
  for (auto& row : rows) {
    row.encoding.pad(length, padding_.pad_id, padding_.pad_type_id, padding_.pad_token,
                     padding_.direction);
  }
  Feeds feeds;
  for (const auto& name : input_names_) {
    Int64Tensor tensor;
    tensor.shape = {static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(length)};
    tensor.data.reserve(rows.size() * length);
    for (const auto& row : rows) {
      const auto& values = feature(row.encoding, name);
      tensor.data.insert(tensor.data.end(), values.begin(), values.end());
    }
    feeds.emplace_back(name, std::move(tensor));
  }
  return feeds;
}

}  // namespace modelexport::processors
