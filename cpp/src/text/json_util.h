// A view of one value inside tokenizer.json that knows its JSON path, so that every error names
// where the problem is: "tokenizer.json: pre_tokenizer.pretokenizers[2].type: unknown ...".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace modelexport::text {

// `parent.key`, or `parent["key"]` when the key is not a plain identifier.
std::string json_child_path(const std::string& parent, std::string_view key);

class JsonRef {
 public:
  // `origin` names the document in messages; it must outlive this view and its children.
  JsonRef(const nlohmann::json& value, std::string path, const std::string& origin)
      : value_(&value), path_(std::move(path)), origin_(&origin) {}

  const nlohmann::json& json() const { return *value_; }
  // A view of `value` (somewhere inside this one) at `path`, with the same origin.
  JsonRef view(const nlohmann::json& value, std::string path) const {
    return JsonRef(value, std::move(path), *origin_);
  }
  const std::string& path() const { return path_; }

  // Throws std::invalid_argument("<origin>: <path>: <message>").
  [[noreturn]] void fail(std::string_view message) const;

  bool is_null() const { return value_->is_null(); }
  // Requires an object holding `key` (which may be null).
  JsonRef at(std::string_view key) const;
  // The member `key` of an object, or nullopt when it is absent or null.
  std::optional<JsonRef> find(std::string_view key) const;
  // Requires an array with more than `index` elements.
  JsonRef at(std::size_t index) const;
  // Requires an array.
  std::vector<JsonRef> elements() const;
  // Requires an object; members in document order of nlohmann's map (sorted by key).
  std::vector<std::pair<std::string, JsonRef>> members() const;

  std::string as_string() const;
  bool as_bool() const;
  std::uint64_t as_uint() const;
  std::uint32_t as_uint32() const;

  std::string string_or(std::string_view key, std::string fallback) const;
  bool bool_or(std::string_view key, bool fallback) const;
  std::uint64_t uint_or(std::string_view key, std::uint64_t fallback) const;
  std::optional<bool> optional_bool(std::string_view key) const;

  // The "type" member of a component object: a string, else an error naming the path.
  std::string type_tag() const;

 private:
  void require_object() const;
  const nlohmann::json* value_;
  std::string path_;
  const std::string* origin_;
};

}  // namespace modelexport::text
