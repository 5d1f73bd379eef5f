// JsonRef: typed access to tokenizer.json with the JSON path in every error.
#include "text/json_util.h"

#include <limits>
#include <stdexcept>

namespace modelexport::text {
namespace {

const char* kind_of(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

bool is_identifier(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string json_child_path(const std::string& parent, std::string_view key) {
  if (!is_identifier(key)) return parent + "[" + nlohmann::json(std::string(key)).dump() + "]";
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

namespace {}  // namespace

void JsonRef::fail(std::string_view message) const {
  std::string text = *origin_ + ": ";
  if (!path_.empty()) text += path_ + ": ";
  text += message;
  throw std::invalid_argument(text);
}

void JsonRef::require_object() const {
  if (!value_->is_object()) fail(std::string("expected an object, got ") + kind_of(*value_));
}

JsonRef JsonRef::at(std::string_view key) const {
  require_object();
  auto it = value_->find(key);
  if (it == value_->end()) fail("missing member '" + std::string(key) + "'");
  return JsonRef(*it, json_child_path(path_, key), *origin_);
}

std::optional<JsonRef> JsonRef::find(std::string_view key) const {
  require_object();
  auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return JsonRef(*it, json_child_path(path_, key), *origin_);
}

JsonRef JsonRef::at(std::size_t index) const {
  if (!value_->is_array()) fail(std::string("expected an array, got ") + kind_of(*value_));
  if (index >= value_->size()) fail("expected at least " + std::to_string(index + 1) + " elements");
  return JsonRef((*value_)[index], path_ + "[" + std::to_string(index) + "]", *origin_);
}

std::vector<JsonRef> JsonRef::elements() const {
  if (!value_->is_array()) fail(std::string("expected an array, got ") + kind_of(*value_));
  std::vector<JsonRef> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    out.emplace_back((*value_)[i], path_ + "[" + std::to_string(i) + "]", *origin_);
  }
  return out;
}

std::vector<std::pair<std::string, JsonRef>> JsonRef::members() const {
  require_object();
  std::vector<std::pair<std::string, JsonRef>> out;
  out.reserve(value_->size());
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    out.emplace_back(it.key(), JsonRef(it.value(), json_child_path(path_, it.key()), *origin_));
  }
  return out;
}

std::string JsonRef::as_string() const {
  if (!value_->is_string()) fail(std::string("expected a string, got ") + kind_of(*value_));
  return value_->get<std::string>();
}

bool JsonRef::as_bool() const {
  if (!value_->is_boolean()) fail(std::string("expected a boolean, got ") + kind_of(*value_));
  return value_->get<bool>();
}

std::uint64_t JsonRef::as_uint() const {
  if (value_->is_number_unsigned()) return value_->get<std::uint64_t>();
  if (value_->is_number_integer()) {
    const auto v = value_->get<std::int64_t>();
    if (v >= 0) return static_cast<std::uint64_t>(v);
    fail("expected a non-negative integer");
  }
  fail(std::string("expected a non-negative integer, got ") + kind_of(*value_));
}

std::uint32_t JsonRef::as_uint32() const {
  const std::uint64_t v = as_uint();
  if (v > std::numeric_limits<std::uint32_t>::max()) fail("integer out of range (max 2^32-1)");
  return static_cast<std::uint32_t>(v);
}

std::string JsonRef::string_or(std::string_view key, std::string fallback) const {
  auto member = find(key);
  return member ? member->as_string() : std::move(fallback);
}

bool JsonRef::bool_or(std::string_view key, bool fallback) const {
  auto member = find(key);
  return member ? member->as_bool() : fallback;
}

std::uint64_t JsonRef::uint_or(std::string_view key, std::uint64_t fallback) const {
  auto member = find(key);
  return member ? member->as_uint() : fallback;
}

std::optional<bool> JsonRef::optional_bool(std::string_view key) const {
  auto member = find(key);
  if (!member) return std::nullopt;
  return member->as_bool();
}

std::string JsonRef::type_tag() const {
  require_object();
  if (value_->find("type") == value_->end()) fail("missing member 'type'");
  return at("type").as_string();
}

}  // namespace modelexport::text
