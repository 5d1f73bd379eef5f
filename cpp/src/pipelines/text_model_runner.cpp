// TextModelRunner: tokenize, fit the graph's input shapes, run, slice outputs per input.
#include <algorithm>
#include <stdexcept>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"
#include "modelexport/tokenizer.h"

namespace modelexport {
namespace {

constexpr const char* kTextInputs[] = {"input_ids", "attention_mask", "token_type_ids"};

std::optional<std::size_t> fixed_dim(const TensorSpec& spec, std::size_t axis) {
  if (spec.dims.size() <= axis || spec.dims[axis] <= 0) return std::nullopt;
  return static_cast<std::size_t>(spec.dims[axis]);
}

// Pads `e` to `length` tokens the way the tokenizer pads (its side, pad id and type id).
void pad_encoding(Encoding& e, std::size_t length, const PaddingOptions& padding) {
  if (e.size() >= length) return;
  const std::size_t count = length - e.size();
  const bool left = padding.direction == Direction::kLeft;
  auto pad = [&](auto& values, const auto& value) {
    values.insert(left ? values.begin() : values.end(), count, value);
  };
  pad(e.ids, padding.pad_id);
  pad(e.type_ids, padding.pad_type_id);
  pad(e.tokens, padding.pad_token);
  pad(e.offsets, std::pair<std::size_t, std::size_t>{0, 0});
  pad(e.special_tokens_mask, std::int64_t{1});
  pad(e.attention_mask, std::int64_t{0});
  pad(e.word_ids, std::int64_t{-1});
  pad(e.sequence_ids, std::int64_t{-1});
}

}  // namespace

struct TextModelRunner::Impl {
  Package package;
  Session session;
  Tokenizer tokenizer;
  std::vector<std::string> input_names;
  std::optional<std::size_t> fixed_batch;
  std::optional<std::size_t> fixed_length;
  std::size_t max_batch_size;

  Impl(Package p, Session s, Tokenizer t, std::size_t batch)
      : package(std::move(p)),
        session(std::move(s)),
        tokenizer(std::move(t)),
        max_batch_size(batch) {}
};

TextModelRunner::TextModelRunner(const std::string& package_path, const PipelineOptions& options) {
  Package package = Package::open(package_path, options.task);
  Session session = Session::open(package.model_path(), options.session);
  Tokenizer tokenizer = Tokenizer::from_file(package.tokenizer_path());
  impl_ = std::make_unique<Impl>(std::move(package), std::move(session), std::move(tokenizer),
                                 std::max<std::size_t>(options.max_batch_size, 1));

  const TensorSpec* ids = nullptr;
  for (const auto& spec : impl_->session.inputs()) {
    bool known = std::find(std::begin(kTextInputs), std::end(kTextInputs), spec.name) !=
                 std::end(kTextInputs);
    if (!known) {
      throw std::invalid_argument(impl_->package.model_path() + ": unexpected graph input '" +
                                  spec.name + "' for a text model");
    }
    if (spec.name == "input_ids") ids = &spec;
    impl_->input_names.push_back(spec.name);
  }
  if (ids == nullptr) {
    throw std::invalid_argument(impl_->package.model_path() + ": the graph has no input_ids input");
  }
  impl_->fixed_batch = fixed_dim(*ids, 0);
  impl_->fixed_length = fixed_dim(*ids, 1);

  TruncationOptions truncation;
  truncation.max_length = impl_->fixed_length.value_or(
      static_cast<std::size_t>(impl_->package.max_length().value_or(512)));
  impl_->tokenizer.set_truncation(truncation);
  PaddingOptions padding = impl_->tokenizer.padding().value_or(PaddingOptions{});
  if (auto pad = impl_->package.pad_token()) {
    padding.pad_token = pad->first;
    padding.pad_id = pad->second;
  }
  padding.length = impl_->fixed_length;
  impl_->tokenizer.set_padding(padding);
}

TextModelRunner::TextModelRunner(TextModelRunner&&) noexcept = default;
TextModelRunner::~TextModelRunner() = default;

const Package& TextModelRunner::package() const { return impl_->package; }
const Tokenizer& TextModelRunner::tokenizer() const { return impl_->tokenizer; }

std::vector<TextModelRunner::Row> TextModelRunner::run(
    const std::vector<TextInput>& inputs, const std::vector<std::string>& output_names) const {
  if (inputs.empty()) return {};
  // Single texts and pairs encode differently: run each stretch of one kind on its own.
  const std::size_t stretch_end = static_cast<std::size_t>(
      std::find_if(inputs.begin(), inputs.end(),
                   [&](const TextInput& in) {
                     return in.pair.has_value() != inputs.front().pair.has_value();
                   }) -
      inputs.begin());
  if (stretch_end < inputs.size()) {
    std::vector<Row> rows = run(
        {inputs.begin(), inputs.begin() + static_cast<std::ptrdiff_t>(stretch_end)}, output_names);
    std::vector<Row> rest = run(
        {inputs.begin() + static_cast<std::ptrdiff_t>(stretch_end), inputs.end()}, output_names);
    rows.insert(rows.end(), std::make_move_iterator(rest.begin()),
                std::make_move_iterator(rest.end()));
    return rows;
  }
  const bool pairs = inputs.front().pair.has_value();
  const std::size_t chunk = impl_->fixed_batch.value_or(impl_->max_batch_size);
  std::vector<Row> rows;
  rows.reserve(inputs.size());
  for (std::size_t start = 0; start < inputs.size(); start += chunk) {
    const std::size_t real = std::min(chunk, inputs.size() - start);
    // A fixed batch is filled up with empty inputs; their rows are dropped by run_batch.
    const std::size_t rows_in_run = impl_->fixed_batch ? chunk : real;
    std::vector<Encoding> encodings;
    if (pairs) {
      std::vector<std::pair<std::string, std::string>> batch(rows_in_run);
      for (std::size_t i = 0; i < real; ++i)
        batch[i] = {inputs[start + i].text, *inputs[start + i].pair};
      encodings = impl_->tokenizer.encode_batch(batch);
    } else {
      std::vector<std::string> batch(rows_in_run);
      for (std::size_t i = 0; i < real; ++i) batch[i] = inputs[start + i].text;
      encodings = impl_->tokenizer.encode_batch(batch);
    }
    run_batch(std::move(encodings), real, output_names, rows);
  }
  return rows;
}

std::vector<TextModelRunner::Row> TextModelRunner::run_encoded(
    std::vector<Encoding> encodings, const std::vector<std::string>& output_names) const {
  const std::size_t chunk = impl_->fixed_batch.value_or(impl_->max_batch_size);
  const PaddingOptions padding = impl_->tokenizer.padding().value_or(PaddingOptions{});
  std::vector<Row> rows;
  rows.reserve(encodings.size());
  for (std::size_t start = 0; start < encodings.size(); start += chunk) {
    const std::size_t real = std::min(chunk, encodings.size() - start);
    std::vector<Encoding> batch(
        std::make_move_iterator(encodings.begin() + static_cast<std::ptrdiff_t>(start)),
        std::make_move_iterator(encodings.begin() + static_cast<std::ptrdiff_t>(start + real)));
    // A fixed batch is filled up with copies of the first row; their results are dropped.
    if (impl_->fixed_batch) batch.resize(chunk, batch.front());
    std::size_t length = impl_->fixed_length.value_or(0);
    for (const Encoding& e : batch) length = std::max(length, e.size());
    if (impl_->fixed_length && length > *impl_->fixed_length) {
      throw std::invalid_argument("an encoded input has " + std::to_string(length) +
                                  " tokens; the graph takes " +
                                  std::to_string(*impl_->fixed_length));
    }
    for (Encoding& e : batch) pad_encoding(e, length, padding);
    run_batch(std::move(batch), real, output_names, rows);
  }
  return rows;
}

std::optional<std::size_t> TextModelRunner::fixed_length() const { return impl_->fixed_length; }

void TextModelRunner::run_batch(std::vector<Encoding> batch, std::size_t real,
                                const std::vector<std::string>& output_names,
                                std::vector<Row>& rows) const {
  const std::size_t rows_in_run = batch.size();
  const std::size_t length = batch.front().size();
  std::vector<Int64Tensor> tensors(impl_->input_names.size());
  std::vector<std::pair<std::string, const Int64Tensor*>> feeds;
  for (std::size_t k = 0; k < impl_->input_names.size(); ++k) {
    const std::string& name = impl_->input_names[k];
    Int64Tensor& tensor = tensors[k];
    tensor.shape = {static_cast<std::int64_t>(rows_in_run), static_cast<std::int64_t>(length)};
    tensor.data.reserve(rows_in_run * length);
    for (const auto& encoding : batch) {
      const auto& values = name == "input_ids"        ? encoding.ids
                           : name == "attention_mask" ? encoding.attention_mask
                                                      : encoding.type_ids;
      tensor.data.insert(tensor.data.end(), values.begin(), values.end());
    }
    feeds.emplace_back(name, &tensor);
  }
  std::vector<FloatTensor> outputs = impl_->session.run(feeds, output_names);
  for (std::size_t i = 0; i < real; ++i) {
    Row row;
    row.encoding = std::move(batch[i]);
    for (const auto& output : outputs) {
      FloatTensor slice;
      slice.shape.assign(output.shape.begin() + 1, output.shape.end());
      const std::size_t stride = output.data.size() / rows_in_run;
      slice.data.assign(output.data.begin() + static_cast<std::ptrdiff_t>(i * stride),
                        output.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * stride));
      row.outputs.push_back(std::move(slice));
    }
    rows.push_back(std::move(row));
  }
}

}  // namespace modelexport
