// Nmt normalizer: a filter then a map, two separate transforms as in tokenizers (the alignments
// of removed and replaced characters follow from that order).
#include "text/normalizers/nmt.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Nmt::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Nmt>();
}

void Nmt::normalize(NormalizedString& text) const {
  // U+0000 is kept, and so are the C1 controls other than U+008F and U+009F: same as tokenizers.
  text.filter([](char32_t c) {
    return !((c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
             c == 0x8F || c == 0x9F);
  });
  text.map([](char32_t c) -> char32_t {
    switch (c) {
      case 0x09:
      case 0x0A:
      case 0x0C:
      case 0x0D:
      case 0x1680:
      case 0x2028:
      case 0x2029:
      case 0x2581:
      case 0xFEFF:
      case 0xFFFD:
        return ' ';
      default:
        return (c >= 0x200B && c <= 0x200F) ? U' ' : c;
    }
  });
}

}  // namespace modelexport::text
