// BertProcessing, as tokenizers' processors/bert.rs: {"sep": ["[SEP]", 102], "cls": [...]}.
#include "text/post_processors/bert_processing.h"

namespace modelexport::text {
namespace {

std::pair<std::string, std::uint32_t> token_and_id(const JsonRef& json) {
  return {json.at(0).as_string(), json.at(1).as_uint32()};
}

}  // namespace

std::unique_ptr<PostProcessor> BertProcessing::from_json(const JsonRef& json) {
  auto sep = json.find("sep") ? token_and_id(json.at("sep"))
                              : std::pair<std::string, std::uint32_t>{"[SEP]", 102};
  auto cls = json.find("cls") ? token_and_id(json.at("cls"))
                              : std::pair<std::string, std::uint32_t>{"[CLS]", 101};
  return std::make_unique<BertProcessing>(sep.first, sep.second, cls.first, cls.second);
}

EncodingData BertProcessing::wrap(EncodingData& e, std::size_t index) const {
  EncodingData r;
  r.reserve(e.size() + 2);
  if (index == 0) r.push(cls_id_, cls_, {0, 0}, std::nullopt, 0, 1);
  for (std::size_t t = 0; t < e.size(); ++t) {
    r.push(e.ids[t], std::move(e.tokens[t]), e.offsets[t], e.words[t], e.type_ids[t], 0);
  }
  r.push(sep_id_, sep_, {0, 0}, std::nullopt, index == 0 ? 0 : 1, 1);
  // Like tokenizers, the sequence range excludes the special tokens.
  r.sequence_ranges.set(index, index == 0 ? Offsets{1, r.size() - 1} : Offsets{0, r.size() - 1});
  return r;
}

std::vector<EncodingData> BertProcessing::process_encodings(std::vector<EncodingData> encodings,
                                                            bool add_special_tokens) const {
  if (!add_special_tokens) return encodings;
  std::vector<EncodingData> out;
  for (std::size_t i = 0; i < encodings.size(); ++i) {
    EncodingData r = wrap(encodings[i], i);
    for (EncodingData& part : encodings[i].overflowing) r.overflowing.push_back(wrap(part, i));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace modelexport::text
