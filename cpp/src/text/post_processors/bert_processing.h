// BertProcessing: [CLS] A [SEP] (type 0) and, for pairs, B [SEP] (type 1).
#pragma once

#include <string>

#include "text/post_processors/post_processor.h"

namespace modelexport::text {

class BertProcessing : public PostProcessor {
 public:
  BertProcessing(std::string sep, std::uint32_t sep_id, std::string cls, std::uint32_t cls_id)
      : sep_(std::move(sep)), sep_id_(sep_id), cls_(std::move(cls)), cls_id_(cls_id) {}
  static std::unique_ptr<PostProcessor> from_json(const JsonRef& json);
  std::size_t added_tokens(bool is_pair) const override { return is_pair ? 3 : 2; }

 protected:
  std::vector<EncodingData> process_encodings(std::vector<EncodingData> encodings,
                                              bool add_special_tokens) const override;

 private:
  // [CLS] e [SEP] for the first sequence, e [SEP] for the second (tokens are moved out of e).
  EncodingData wrap(EncodingData& e, std::size_t index) const;

  std::string sep_;
  std::uint32_t sep_id_;
  std::string cls_;
  std::uint32_t cls_id_;
};

}  // namespace modelexport::text
