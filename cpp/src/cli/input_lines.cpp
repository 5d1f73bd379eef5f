// JSON-lines input files (see input_lines.h).
#include "cli/input_lines.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "text/json_document.h"

namespace modelexport::cli {
namespace {

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

const nlohmann::json* string_member(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? &*it : nullptr;
}

}  // namespace

std::vector<TextInput> read_input_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot read the input file");
  std::vector<TextInput> inputs;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    const std::string where = path + ":" + std::to_string(number);
    const auto value = text::parse_json_document<nlohmann::json>(
        line, where, text::JsonNumbers::kCorrectlyRounded);
    if (value.is_string()) {
      inputs.push_back({value.get<std::string>(), std::nullopt});
      continue;
    }
    if (value.is_object()) {
      const auto* question = string_member(value, "question");
      const auto* context = string_member(value, "context");
      if (question && context) {
        inputs.push_back({question->get<std::string>(), context->get<std::string>()});
        continue;
      }
      const auto* text = string_member(value, "text");
      const auto* pair = string_member(value, "text_pair");
      if (text && (pair || !value.contains("text_pair"))) {
        inputs.push_back(
            {text->get<std::string>(),
             pair ? std::optional<std::string>(pair->get<std::string>()) : std::nullopt});
        continue;
      }
    }
    throw std::invalid_argument(where +
                                ": expected a JSON string, {\"text\": ..., \"text_pair\": ...} "
                                "or {\"question\": ..., \"context\": ...}");
  }
  if (in.bad()) throw std::invalid_argument(path + ": read error");
  return inputs;
}

}  // namespace modelexport::cli
