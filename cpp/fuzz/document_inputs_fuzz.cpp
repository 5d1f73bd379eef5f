// libFuzzer target: the untrusted parts of a document-question-answering input. The first byte
// picks one: a JSON document read as an --input-file line is (cli::to_value) and then as
// word_boxes (processors::page_words), or a tesseract_config string (parse_tesseract_config).
// Bad input must be a std::invalid_argument; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "cli/input_lines.h"
#include "modelexport/ocr.h"
#include "processors/document_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (data[0] % 2 == 0) {
      const auto json = nlohmann::json::parse(text, nullptr, false);
      if (json.is_discarded()) return 0;
      const auto page = modelexport::processors::page_words(modelexport::cli::to_value(json));
      if (page.words.size() != page.boxes.size()) std::abort();
    } else {
      modelexport::parse_tesseract_config(text);
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
