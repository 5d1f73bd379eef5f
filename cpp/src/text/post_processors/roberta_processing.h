// RobertaProcessing: <s> A </s> and, for pairs, </s> B </s>; every type id is 0. With
// trim_offsets, offsets are trimmed as by the ByteLevel post-processor first.
#pragma once

#include <string>

#include "text/post_processors/post_processor.h"

namespace modelexport::text {

class RobertaProcessing : public PostProcessor {
 public:
  RobertaProcessing(std::string sep, std::uint32_t sep_id, std::string cls, std::uint32_t cls_id,
                    bool trim_offsets, bool add_prefix_space)
      : sep_(std::move(sep)),
        sep_id_(sep_id),
        cls_(std::move(cls)),
        cls_id_(cls_id),
        trim_offsets_(trim_offsets),
        add_prefix_space_(add_prefix_space) {}
  static std::unique_ptr<PostProcessor> from_json(const JsonRef& json);
  std::size_t added_tokens(bool is_pair) const override { return is_pair ? 4 : 2; }

 protected:
  std::vector<EncodingData> process_encodings(std::vector<EncodingData> encodings,
                                              bool add_special_tokens) const override;

 private:
  // <s> e </s> for the first sequence, </s> e </s> for the second (tokens moved out of e).
  EncodingData wrap(EncodingData& e, std::size_t index) const;

  std::string sep_;
  std::uint32_t sep_id_;
  std::string cls_;
  std::uint32_t cls_id_;
  bool trim_offsets_;
  bool add_prefix_space_;
};

}  // namespace modelexport::text
