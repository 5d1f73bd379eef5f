// TemplateProcessing: special tokens and type ids laid out by a template per input kind, e.g.
// single "[CLS]:0 $A:0 [SEP]:0", pair "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "text/post_processors/post_processor.h"

namespace modelexport::text {

class TemplateProcessing : public PostProcessor {
 public:
  struct Piece {
    bool is_sequence = false;
    std::size_t sequence = 0;  // 0 for $A, 1 for $B
    std::string special;       // the special token's id when !is_sequence
    std::uint32_t type_id = 0;
  };
  struct SpecialToken {
    std::vector<std::uint32_t> ids;
    std::vector<std::string> tokens;
  };

  TemplateProcessing(std::vector<Piece> single, std::vector<Piece> pair,
                     std::map<std::string, SpecialToken> special_tokens);
  static std::unique_ptr<PostProcessor> from_json(const JsonRef& json);
  std::size_t added_tokens(bool is_pair) const override {
    return is_pair ? added_pair_ : added_single_;
  }

 protected:
  std::vector<EncodingData> process_encodings(std::vector<EncodingData> encodings,
                                              bool add_special_tokens) const override;

 private:
  std::size_t count_added(const std::vector<Piece>& pieces) const;

  std::vector<Piece> single_;
  std::vector<Piece> pair_;
  std::map<std::string, SpecialToken> special_tokens_;
  std::size_t added_single_ = 0;
  std::size_t added_pair_ = 0;
};

}  // namespace modelexport::text
