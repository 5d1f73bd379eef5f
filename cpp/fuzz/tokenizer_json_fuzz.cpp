// libFuzzer target: arbitrary bytes as a tokenizer.json document (Tokenizer::from_json_string).
// Loading must succeed or throw std::invalid_argument / std::runtime_error, the library's whole
// error model; any other exception (it ends in std::terminate), a crash or a sanitizer report is
// a finding. A document that loads is also used once (encode a pair, decode), so that what the
// loader accepts is what the pipeline can run. Built by -DMODELEXPORT_FUZZ=ON; scripts/fuzz.sh
// seeds it with small versions of the fixture tokenizers.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "modelexport/tokenizer.h"

namespace {

// Padding a fuzzed document asks for can be any size; tokenizers would allocate it too. Keep the
// run about the pipeline, not about allocating gigabytes.
constexpr std::size_t kMaxPadding = 4096;

bool padding_is_small(const modelexport::Tokenizer& tokenizer) {
  const auto& padding = tokenizer.padding();
  if (!padding) return true;
  return padding->length.value_or(0) <= kMaxPadding &&
         padding->pad_to_multiple_of.value_or(0) <= kMaxPadding;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  try {
    const modelexport::Tokenizer tokenizer =
        modelexport::Tokenizer::from_json_string(json, "fuzz.json");
    if (!padding_is_small(tokenizer)) return 0;
    const modelexport::Encoding e =
        tokenizer.encode("Hello, world! ÜNÏcödé 東京 🚀 <s> [CLS] <mask>", "a pair\tb");
    (void)tokenizer.decode(e.ids, true);
    (void)tokenizer.decode(e.ids, false);
  } catch (const std::invalid_argument&) {
  } catch (const std::runtime_error&) {
  }
  return 0;
}
