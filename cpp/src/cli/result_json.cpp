// Values as JSON (see result_json.h).
#include "cli/result_json.h"

#include <stdexcept>
#include <string>

namespace modelexport::cli {

nlohmann::ordered_json to_json(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kBool:
      return value.as_bool();
    case Value::Kind::kInt:
      return value.as_int();
    case Value::Kind::kNumber:
    case Value::Kind::kFloat32:
      return value.as_number();
    case Value::Kind::kString:
      return value.as_string();
    case Value::Kind::kArray: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& item : value.as_array()) out.push_back(to_json(item));
      return out;
    }
    case Value::Kind::kObject: {
      // Keys in transformers' order (ordered_json; plain json would sort them).
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (const auto& [key, member] : value.as_object()) out[key] = to_json(member);
      return out;
    }
    case Value::Kind::kTuple: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& item : value.as_tuple()) out.push_back(to_json(item));
      return out;
    }
    case Value::Kind::kBytes:
    case Value::Kind::kImage:
    case Value::Kind::kAudio:
      // JSON has none of these: images are replaced by file paths or data: URLs first
      // (images_as_references); results never carry bytes.
      throw std::logic_error(std::string("a ") + Value::kind_name(value.kind()) +
                             " value cannot be written as JSON");
  }
  return nullptr;
}

std::string json_line(const Value& value) {
  return to_json(value).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace modelexport::cli
