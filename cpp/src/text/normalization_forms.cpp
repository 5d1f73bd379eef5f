// Decomposition (with canonical reordering) and canonical composition, mirroring the iterators
// of unicode-normalization-alignments step for step, because the order in which characters and
// their changes come out decides the alignments tokenizers computes.
#include "text/normalization_forms.h"

#include <algorithm>
#include <cstdint>

#include "text/unicode.h"

namespace modelexport::text {
namespace {

struct Pending {
  std::uint8_t ccc;
  CharChange ch;
};

std::vector<CharChange> decompose_changes(std::string_view text, bool compat) {
  std::vector<Pending> buffer;
  buffer.reserve(text.size() + 8);
  std::size_t sorted = 0;  // buffer[0, sorted) is final
  auto sort_tail = [&]() {
    std::stable_sort(buffer.begin() + static_cast<std::ptrdiff_t>(sorted), buffer.end(),
                     [](const Pending& a, const Pending& b) { return a.ccc < b.ccc; });
    sorted = buffer.size();
  };
  char32_t parts[unicode::kMaxCompatDecomposition];
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = decode_utf8(text, pos);
    const std::size_t n =
        compat ? unicode::compat_decompose(c, parts) : unicode::decompose(c, parts);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t ccc = unicode::combining_class(parts[i]);
      if (ccc == 0) sort_tail();  // a starter closes the run of marks before it
      buffer.push_back({ccc, {parts[i], i > 0 ? 1 : 0}});
    }
  }
  sort_tail();
  std::vector<CharChange> out;
  out.reserve(buffer.size());
  for (const Pending& p : buffer) out.push_back(p.ch);
  return out;
}

// Canonical composition of decomposed text. The composee is the last starter; marks that do not
// compose with it wait in `blocked` and come out after it, before the next starter.
std::vector<CharChange> compose_changes(const std::vector<CharChange>& decomposed) {
  std::vector<CharChange> out;
  out.reserve(decomposed.size());
  std::vector<CharChange> blocked;
  bool have_composee = false;
  CharChange composee{0, 0};
  std::uint8_t last_ccc = 0;  // 0: nothing blocked since the composee
  for (const CharChange& ch : decomposed) {
    const std::uint8_t ccc = unicode::combining_class(ch.c);
    if (!have_composee) {
      if (ccc != 0) {
        out.push_back(ch);
      } else {
        composee = ch;
        have_composee = true;
      }
      continue;
    }
    if (last_ccc != 0 && last_ccc >= ccc) {
      // Blocked from the composee.
      if (ccc == 0) {
        out.push_back(composee);
        out.insert(out.end(), blocked.begin(), blocked.end());
        blocked.clear();
        composee = ch;
        last_ccc = 0;
      } else {
        blocked.push_back(ch);
        last_ccc = ccc;
      }
      continue;
    }
    if (const char32_t composite = unicode::compose(composee.c, ch.c)) {
      composee = {composite, composee.change + ch.change - 1};
      continue;
    }
    if (ccc == 0 && last_ccc == 0) {
      out.push_back(composee);
      composee = ch;
      continue;
    }
    blocked.push_back(ch);
    last_ccc = ccc;
  }
  if (have_composee) out.push_back(composee);
  out.insert(out.end(), blocked.begin(), blocked.end());
  return out;
}

}  // namespace

std::vector<CharChange> normalization_changes(std::string_view text, NormalizationForm form) {
  const bool compat = form == NormalizationForm::kNFKD || form == NormalizationForm::kNFKC;
  std::vector<CharChange> decomposed = decompose_changes(text, compat);
  if (form == NormalizationForm::kNFD || form == NormalizationForm::kNFKD) return decomposed;
  return compose_changes(decomposed);
}

}  // namespace modelexport::text
