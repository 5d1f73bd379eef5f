// RobertaProcessing, as tokenizers' processors/roberta.rs:
// {"sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": true, "add_prefix_space": true}
// (sep and cls required; the flags default to true).
#include "text/post_processors/roberta_processing.h"

#include "text/post_processors/byte_level.h"

namespace modelexport::text {
namespace {

std::pair<std::string, std::uint32_t> token_and_id(const JsonRef& json) {
  if (!json.json().is_array() || json.json().size() != 2) json.fail("expected [token, id]");
  return {json.at(std::size_t{0}).as_string(), json.at(1).as_uint32()};
}

}  // namespace

std::unique_ptr<PostProcessor> RobertaProcessing::from_json(const JsonRef& json) {
  auto sep = token_and_id(json.at("sep"));
  auto cls = token_and_id(json.at("cls"));
  return std::make_unique<RobertaProcessing>(sep.first, sep.second, cls.first, cls.second,
                                             json.bool_or("trim_offsets", true),
                                             json.bool_or("add_prefix_space", true));
}

EncodingData RobertaProcessing::wrap(EncodingData& e, std::size_t index) const {
  EncodingData r;
  r.reserve(e.size() + 2);
  // <s> A </s> for the first sequence, </s> B </s> for the second; every type id is 0.
  if (index == 0) {
    r.push(cls_id_, cls_, {0, 0}, std::nullopt, 0, 1);
  } else {
    r.push(sep_id_, sep_, {0, 0}, std::nullopt, 0, 1);
  }
  for (std::size_t t = 0; t < e.size(); ++t) {
    r.push(e.ids[t], std::move(e.tokens[t]), e.offsets[t], e.words[t], 0, 0);
  }
  r.push(sep_id_, sep_, {0, 0}, std::nullopt, 0, 1);
  // Like tokenizers, the sequence range excludes the special tokens.
  r.sequence_ranges.set(index, Offsets{1, r.size() - 1});
  return r;
}

std::vector<EncodingData> RobertaProcessing::process_encodings(std::vector<EncodingData> encodings,
                                                               bool add_special_tokens) const {
  if (trim_offsets_) {
    for (EncodingData& encoding : encodings) {
      trim_byte_level_offsets(encoding, add_prefix_space_);
      for (EncodingData& part : encoding.overflowing) {
        trim_byte_level_offsets(part, add_prefix_space_);
      }
    }
  }
  // tokenizers resets the type ids of the sequences themselves, not of their overflowing parts.
  for (EncodingData& encoding : encodings) encoding.set_type_ids(0);
  if (!add_special_tokens) return encodings;
  std::vector<EncodingData> out;
  out.reserve(encodings.size());
  for (std::size_t i = 0; i < encodings.size(); ++i) {
    EncodingData r = wrap(encodings[i], i);
    for (EncodingData& part : encodings[i].overflowing) r.overflowing.push_back(wrap(part, i));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace modelexport::text
