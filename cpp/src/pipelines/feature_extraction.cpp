// feature-extraction: hidden states per token, and sentence-transformers pooled embeddings.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"

namespace modelexport {
namespace {

constexpr const char* kHiddenStates = "last_hidden_state";

// The rows of [length, hidden] whose attention mask is 1, as vectors.
std::vector<std::vector<float>> real_tokens(const TextModelRunner::Row& row) {
  const FloatTensor& hidden = row.outputs.front();
  if (hidden.shape.size() != 2)
    throw std::runtime_error("last_hidden_state is not [batch, tokens, hidden]");
  const auto width = static_cast<std::size_t>(hidden.shape[1]);
  std::vector<std::vector<float>> tokens;
  for (std::size_t t = 0; t < row.encoding.attention_mask.size(); ++t) {
    if (row.encoding.attention_mask[t] == 0) continue;
    auto begin = hidden.data.begin() + static_cast<std::ptrdiff_t>(t * width);
    tokens.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(width));
  }
  return tokens;
}

}  // namespace

FeatureExtractionPipeline::FeatureExtractionPipeline(const std::string& package_path,
                                                     const PipelineOptions& options)
    : runner_(package_path, options) {}

std::vector<std::vector<std::vector<float>>> FeatureExtractionPipeline::operator()(
    const std::vector<TextInput>& inputs) const {
  std::vector<std::vector<std::vector<float>>> results;
  for (const auto& row : runner_.run(inputs, {kHiddenStates})) results.push_back(real_tokens(row));
  return results;
}

std::vector<std::vector<float>> FeatureExtractionPipeline::sentence_embeddings(
    const std::vector<TextInput>& inputs) const {
  const SentencePooling pooling =
      runner_.package().sentence_pooling().value_or(SentencePooling{"mean", false});
  std::vector<std::vector<float>> results;
  for (const auto& row : runner_.run(inputs, {kHiddenStates})) {
    auto tokens = real_tokens(row);
    if (tokens.empty()) throw std::runtime_error("input encoded to no tokens");
    std::vector<double> pooled(tokens.front().size(), 0.0);
    if (pooling.mode == "cls") {
      std::copy(tokens.front().begin(), tokens.front().end(), pooled.begin());
    } else if (pooling.mode == "max") {
      std::fill(pooled.begin(), pooled.end(), -INFINITY);
      for (const auto& token : tokens) {
        for (std::size_t d = 0; d < pooled.size(); ++d)
          pooled[d] = std::max<double>(pooled[d], token[d]);
      }
    } else {
      for (const auto& token : tokens) {
        for (std::size_t d = 0; d < pooled.size(); ++d) pooled[d] += token[d];
      }
      for (double& value : pooled) value /= static_cast<double>(tokens.size());
    }
    if (pooling.normalize) {
      double norm = 0;
      for (double value : pooled) norm += value * value;
      norm = std::max(std::sqrt(norm), 1e-12);
      for (double& value : pooled) value /= norm;
    }
    results.emplace_back(pooled.begin(), pooled.end());
  }
  return results;
}

}  // namespace modelexport
