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

nlohmann::json parse_line(const std::string& line, const std::string& where) {
  return text::parse_json_document<nlohmann::json>(line, where,
                                                   text::JsonNumbers::kCorrectlyRounded);
}

Value read_json_line(const std::string& line, const std::string& where) {
  const auto value = parse_line(line, where);
  if (!is_input(value)) {
    throw std::invalid_argument(where +
                                ": expected a JSON string, {\"text\": ..., \"text_pair\": ...} "
                                "or {\"question\": ..., \"context\": ...}");
  }
  return to_value(value);
}

Value read_path_line(const std::string& line, const std::string& where) {
  if (line.front() != '"') return Value(line);
  const auto value = parse_line(line, where);
  if (!value.is_string()) throw std::invalid_argument(where + ": expected a path");
  return Value(value.get<std::string>());
}

Value read_document_line(const std::string& line, const std::string& where) {
  if (line.front() != '{' && line.front() != '"') return Value(line);
  const auto value = parse_line(line, where);
  if (value.is_string()) return Value(value.get<std::string>());
  if (!value.is_object() || !has_string(value, "image")) {
    throw std::invalid_argument(where +
                                ": expected a path or {\"image\": path, \"question\": ..., "
                                "\"word_boxes\": [[word, [x0, y0, x1, y1]], ...]}");
  }
  return to_value(value);
}

std::vector<Value> read_all(const std::string& path, InputLineReader::Format format) {
  InputLineReader reader(path, format);
  std::vector<Value> inputs;
  for (auto chunk = reader.next(4096); !chunk.empty(); chunk = reader.next(4096)) {
    for (auto& input : chunk) inputs.push_back(std::move(input));
  }
  return inputs;
}

}  // namespace

InputLineReader::Format InputLineReader::format_for(const std::string& modality) {
  if (modality == "text") return Format::kJsonLines;
  if (modality == "document") return Format::kDocuments;
  return Format::kPaths;
}

InputLineReader::InputLineReader(const std::string& path, Format format)
    : path_(path), in_(path, std::ios::binary) {
  if (!in_) throw std::invalid_argument(path + ": cannot read the input file");
  switch (format) {
    case Format::kJsonLines:
      read_line_ = read_json_line;
      break;
    case Format::kPaths:
      read_line_ = read_path_line;
      break;
    case Format::kDocuments:
      read_line_ = read_document_line;
      break;
  }
}

std::vector<Value> InputLineReader::next(std::size_t count) {
  std::vector<Value> inputs;
  std::string line;
  while (inputs.size() < count && std::getline(in_, line)) {
    ++line_number_;
    if (line_number_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    inputs.push_back(read_line_(line, path_ + ":" + std::to_string(line_number_)));
  }
  if (in_.bad()) throw std::invalid_argument(path_ + ": read error");
  return inputs;
}

std::size_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::size_t lines = 0;
  bool open_line = false;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const auto got = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < got; ++i) {
      if (buffer[i] == '\n') ++lines;
    }
    open_line = buffer[got - 1] != '\n';
  }
  return lines + (open_line ? 1 : 0);
}

std::vector<Value> read_input_lines(const std::string& path) {
  return read_all(path, InputLineReader::Format::kJsonLines);
}

std::vector<Value> read_path_lines(const std::string& path) {
  return read_all(path, InputLineReader::Format::kPaths);
}

std::vector<Value> read_document_lines(const std::string& path) {
  return read_all(path, InputLineReader::Format::kDocuments);
}

}  // namespace modelexport::cli
