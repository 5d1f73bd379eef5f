// Value: a JSON-like tree (null, bool, integer, number, string, list, ordered object, plus the
// encoded bytes of a file and decoded images) that carries pipeline inputs, options and results
// across every front end. Results are built as
// Values once, in the task's C++ code; the command line prints them as JSON and the Python
// bindings turn them into the dicts and lists transformers returns.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "modelexport/audio.h"
#include "modelexport/image.h"

namespace modelexport {

class Value {
 public:
  using Array = std::vector<Value>;
  // Keys in insertion order: transformers' result dicts have a fixed key order.
  using Object = std::vector<std::pair<std::string, Value>>;

  // kFloat32 is a number the reference returns as a numpy float32 (token-classification
  // scores); it holds the double it was computed as and prints as that double in JSON.
  // kBytes is a file's encoded contents (an image given as bytes); kImage a decoded image (an
  // input given as pixels, or a result such as a segmentation mask). Both are shared, immutable
  // and compared by content. kAudio is samples given by a caller (a numpy array in Python),
  // shared and compared by content the same way. kTuple is a list transformers returns as a
  // Python tuple (speech recognition's timestamps): a list in JSON, a tuple in Python.
  enum class Kind {
    kNull,
    kBool,
    kInt,
    kNumber,
    kFloat32,
    kString,
    kArray,
    kObject,
    kBytes,
    kImage,
    kAudio,
    kTuple
  };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int i) : data_(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : data_(i) {}
  // Throws std::out_of_range above INT64_MAX.
  Value(std::size_t i);
  Value(double d) : data_(d) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(Array a) : data_(std::move(a)) {}
  Value(Object o) : data_(std::move(o)) {}

  static Value float32(double d);
  static Value bytes(std::string data);
  static Value image(Image image);
  static Value audio(Audio audio);
  static Value tuple(Array items);
  static Value array() { return Value(Array{}); }
  static Value object() { return Value(Object{}); }
  // An object from key/value pairs, in the given order.
  static Value object(std::initializer_list<std::pair<std::string, Value>> members);
  template <typename T>
  static Value list(const std::vector<T>& items) {
    Array out;
    out.reserve(items.size());
    for (const auto& item : items) out.emplace_back(item);
    return Value(std::move(out));
  }

  Kind kind() const;
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  // kInt, kNumber or kFloat32.
  bool is_number() const;
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_bytes() const { return kind() == Kind::kBytes; }
  bool is_image() const { return kind() == Kind::kImage; }
  bool is_audio() const { return kind() == Kind::kAudio; }

  // Accessors throw std::invalid_argument naming the expected and actual kind on a mismatch.
  bool as_bool() const;
  std::int64_t as_int() const;
  double as_number() const;  // any number kind
  const std::string& as_string() const;
  const Array& as_array() const;
  Array& as_array();
  const Object& as_object() const;
  Object& as_object();
  const std::string& as_bytes() const;
  const Image& as_image() const;
  const Audio& as_audio() const;
  const Array& as_tuple() const;

  // Object members: nullptr when absent (or when this is not an object).
  const Value* find(std::string_view key) const;
  // Appends or replaces `key` of an object.
  void set(std::string key, Value value);
  // Appends to an array.
  void push_back(Value value);
  std::size_t size() const;  // elements of an array, members of an object, else 0

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // "null", "bool", "int", "number", "string", "list", "object", "bytes", "image", "audio" or
  // "tuple", for error messages.
  static const char* kind_name(Kind kind);

 private:
  struct Float32 {
    double value;
    bool operator==(const Float32& o) const { return value == o.value; }
  };
  struct Bytes {
    std::shared_ptr<const std::string> data;
    bool operator==(const Bytes& o) const { return *data == *o.data; }
  };
  struct Pixels {
    std::shared_ptr<const Image> image;
    bool operator==(const Pixels& o) const;
  };
  struct Tuple {
    Array items;
    bool operator==(const Tuple& o) const { return items == o.items; }
  };
  struct Samples {
    std::shared_ptr<const Audio> audio;
    bool operator==(const Samples& o) const;
  };
  std::variant<std::nullptr_t, bool, std::int64_t, double, Float32, std::string, Array, Object,
               Bytes, Pixels, Samples, Tuple>
      data_{nullptr};
};

}  // namespace modelexport
