// BertNormalizer: clean_text (drop control characters, map whitespace to ' '),
// handle_chinese_chars (surround CJK ideographs with spaces), strip_accents (NFD then drop
// nonspacing marks; null follows lowercase) and lowercase.
#pragma once

#include <optional>

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class BertNormalizer : public Normalizer {
 public:
  BertNormalizer(bool clean_text, bool handle_chinese_chars, std::optional<bool> strip_accents,
                 bool lowercase)
      : clean_text_(clean_text),
        handle_chinese_chars_(handle_chinese_chars),
        strip_accents_(strip_accents.value_or(lowercase)),
        lowercase_(lowercase) {}
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;

 private:
  bool clean_text_;
  bool handle_chinese_chars_;
  bool strip_accents_;
  bool lowercase_;
};

}  // namespace modelexport::text
