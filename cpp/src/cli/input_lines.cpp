// JSON-lines input files (see input_lines.h).
#include "cli/input_lines.h"

#include <fstream>
#include <stdexcept>

#include "text/json_document.h"

namespace modelexport::cli {
namespace {

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

bool has_string(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string();
}

// The input forms the text tasks take (the pipeline checks which one its task needs).
bool is_input(const nlohmann::json& value) {
  if (value.is_string()) return true;
  if (!value.is_object()) return false;
  if (has_string(value, "question") && has_string(value, "context")) return true;
  return has_string(value, "text") &&
         (!value.contains("text_pair") || has_string(value, "text_pair"));
}

}  // namespace

Value to_value(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      return Value();
    case nlohmann::json::value_t::boolean:
      return Value(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value(json.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      if (json.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return Value(json.get<std::int64_t>());
      }
      return Value(json.get<double>());
    case nlohmann::json::value_t::number_float:
      return Value(json.get<double>());
    case nlohmann::json::value_t::string:
      return Value(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      Value::Array items;
      for (const auto& item : json) items.push_back(to_value(item));
      return Value(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      Value::Object members;
      for (const auto& [key, member] : json.items()) members.emplace_back(key, to_value(member));
      return Value(std::move(members));
    }
    default:
      throw std::invalid_argument("unsupported JSON value");
  }
}

namespace {

// Calls `read(line, where)` for each non-blank line of `path` (a UTF-8 byte-order mark and
// "\r\n" endings removed; `where` is "path:line") and collects what it returns.
template <typename ReadLine>
std::vector<Value> read_lines(const std::string& path, ReadLine read) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot read the input file");
  std::vector<Value> inputs;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    inputs.push_back(read(line, path + ":" + std::to_string(number)));
  }
  if (in.bad()) throw std::invalid_argument(path + ": read error");
  return inputs;
}

nlohmann::json parse_line(const std::string& line, const std::string& where) {
  return text::parse_json_document<nlohmann::json>(line, where,
                                                   text::JsonNumbers::kCorrectlyRounded);
}

}  // namespace

std::vector<Value> read_input_lines(const std::string& path) {
  return read_lines(path, [](const std::string& line, const std::string& where) {
    const auto value = parse_line(line, where);
    if (!is_input(value)) {
      throw std::invalid_argument(where +
                                  ": expected a JSON string, {\"text\": ..., \"text_pair\": ...} "
                                  "or {\"question\": ..., \"context\": ...}");
    }
    return to_value(value);
  });
}

std::vector<Value> read_path_lines(const std::string& path) {
  return read_lines(path, [](const std::string& line, const std::string& where) {
    if (line.front() != '"') return Value(line);
    const auto value = parse_line(line, where);
    if (!value.is_string()) throw std::invalid_argument(where + ": expected a path");
    return Value(value.get<std::string>());
  });
}

std::vector<Value> read_document_lines(const std::string& path) {
  return read_lines(path, [](const std::string& line, const std::string& where) {
    if (line.front() != '{' && line.front() != '"') return Value(line);
    const auto value = parse_line(line, where);
    if (value.is_string()) return Value(value.get<std::string>());
    if (!value.is_object() || !has_string(value, "image")) {
      throw std::invalid_argument(where +
                                  ": expected a path or {\"image\": path, \"question\": ..., "
                                  "\"word_boxes\": [[word, [x0, y0, x1, y1]], ...]}");
    }
    return to_value(value);
  });
}

}  // namespace modelexport::cli
