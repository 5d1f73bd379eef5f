// FixedLength pre-tokenizer, as tokenizers' pre_tokenizers/fixed_length.rs: {"length": 5}.
#include "text/pre_tokenizers/fixed_length.h"

#include "text/utf8.h"

namespace modelexport::text {

std::unique_ptr<PreTokenizer> FixedLength::from_json(const JsonRef& json) {
  const std::uint64_t length = json.uint_or("length", 5);
  // tokenizers accepts 0 here and then panics on the first text; refuse it while loading.
  if (length == 0) json.at("length").fail("length must be at least 1");
  return std::make_unique<FixedLength>(static_cast<std::size_t>(length));
}

void FixedLength::pre_tokenize(PreTokenizedString& text) const {
  text.split([this](std::size_t, NormalizedString&& s) {
    std::vector<NormalizedString> pieces;
    const std::string& t = s.get();
    std::size_t start = 0;
    while (start < t.size()) {
      std::size_t end = start;
      for (std::size_t n = 0; n < length_ && end < t.size(); ++n) {
        end += utf8_length(static_cast<unsigned char>(t[end]));
      }
      pieces.push_back(s.slice(start, end));
      start = end;
    }
    return pieces;
  });
}

}  // namespace modelexport::text
