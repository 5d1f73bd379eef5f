// Strip normalizer: removes leading and/or trailing whitespace.
#pragma once

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override { text.strip(left_, right_); }

 private:
  bool left_;
  bool right_;
};

}  // namespace modelexport::text
