// fill-mask: softmax over the vocabulary at each mask position, top_k, optional targets;
// sequences decoded like transformers (padding dropped, special tokens skipped for one mask).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"
#include "modelexport/tokenizer.h"
#include "pipelines/numeric.h"

namespace modelexport {
namespace {

using pipelines::softmax;

}  // namespace

FillMaskPipeline::FillMaskPipeline(const std::string& package_path, const PipelineOptions& options)
    : runner_(package_path, options) {
  auto mask = runner_.package().special_token("mask_token");
  std::optional<std::int64_t> id = mask ? runner_.tokenizer().token_to_id(*mask) : std::nullopt;
  if (!id) {
    throw std::invalid_argument(runner_.package().model_path() +
                                ": fill-mask needs a mask token (none in the tokenizer config)");
  }
  mask_id_ = *id;
  if (auto pad = runner_.package().pad_token()) pad_id_ = pad->second;
}

std::vector<std::vector<std::vector<FillMaskCandidate>>> FillMaskPipeline::operator()(
    const std::vector<TextInput>& inputs, std::size_t top_k,
    const std::vector<std::string>& targets) const {
  const Tokenizer& tokenizer = runner_.tokenizer();
  std::vector<std::int64_t> target_ids;
  for (const auto& target : targets) {
    if (auto id = tokenizer.token_to_id(target)) {
      target_ids.push_back(*id);
    } else {
      auto pieces = tokenizer.encode(target, std::nullopt, /*add_special_tokens=*/false).ids;
      if (!pieces.empty()) target_ids.push_back(pieces.front());
    }
  }
  std::sort(target_ids.begin(), target_ids.end());
  target_ids.erase(std::unique(target_ids.begin(), target_ids.end()), target_ids.end());
  if (!targets.empty() && target_ids.empty()) {
    throw std::invalid_argument("none of the targets is in the model vocabulary");
  }

  std::vector<std::vector<std::vector<FillMaskCandidate>>> results;
  std::size_t index = 0;
  for (const auto& row : runner_.run(inputs, {"logits"})) {
    const FloatTensor& logits = row.outputs.front();
    const auto vocab = static_cast<std::size_t>(logits.shape.back());
    std::vector<std::size_t> masks;
    for (std::size_t t = 0; t < row.encoding.ids.size(); ++t) {
      if (row.encoding.ids[t] == mask_id_ && row.encoding.attention_mask[t] == 1)
        masks.push_back(t);
    }
    if (masks.empty()) {
      throw std::invalid_argument("input " + std::to_string(index) + " has no mask token");
    }
    std::vector<std::int64_t> unpadded;
    for (std::size_t t = 0; t < row.encoding.ids.size(); ++t) {
      if (!pad_id_ || row.encoding.ids[t] != *pad_id_) unpadded.push_back(row.encoding.ids[t]);
    }
    auto& per_input = results.emplace_back();
    for (std::size_t mask : masks) {
      std::vector<double> scores = softmax(logits.data.data() + mask * vocab, vocab);
      std::vector<std::int64_t> candidates = target_ids;
      if (candidates.empty()) {
        candidates.resize(vocab);
        std::iota(candidates.begin(), candidates.end(), 0);
      }
      const std::size_t k = std::min(top_k, candidates.size());
      std::partial_sort(
          candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end(),
          [&](std::int64_t a, std::int64_t b) {
            return scores[static_cast<std::size_t>(a)] > scores[static_cast<std::size_t>(b)] ||
                   (scores[static_cast<std::size_t>(a)] == scores[static_cast<std::size_t>(b)] &&
                    a < b);
          });
      // The mask's position among the unpadded ids (padding only ever follows real tokens
      // here, or precedes them all when padding is on the left).
      std::size_t position = mask;
      if (pad_id_) {
        position = static_cast<std::size_t>(std::count_if(
            row.encoding.ids.begin(), row.encoding.ids.begin() + static_cast<std::ptrdiff_t>(mask),
            [&](std::int64_t id) { return id != *pad_id_; }));
      }
      auto& per_mask = per_input.emplace_back();
      for (std::size_t c = 0; c < k; ++c) {
        std::int64_t token = candidates[c];
        std::vector<std::int64_t> filled = unpadded;
        filled[position] = token;
        per_mask.push_back({scores[static_cast<std::size_t>(token)], token,
                            tokenizer.decode({token}, /*skip_special_tokens=*/false),
                            tokenizer.decode(filled, /*skip_special_tokens=*/masks.size() == 1)});
      }
    }
    ++index;
  }
  return results;
}

}  // namespace modelexport
