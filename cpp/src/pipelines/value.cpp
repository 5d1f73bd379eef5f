// Value (see modelexport/value.h).
#include "modelexport/value.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace modelexport {

Value::Value(std::size_t i) {
  if (i > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())) {
    throw std::out_of_range("integer " + std::to_string(i) + " is out of range");
  }
  data_ = static_cast<std::int64_t>(i);
}

Value Value::float32(double d) {
  Value v;
  v.data_ = Float32{d};
  return v;
}

Value Value::bytes(std::string data) {
  Value v;
  v.data_ = Bytes{std::make_shared<const std::string>(std::move(data))};
  return v;
}

Value Value::image(Image image) {
  Value v;
  v.data_ = Pixels{std::make_shared<const Image>(std::move(image))};
  return v;
}

Value Value::audio(Audio audio) {
  Value v;
  v.data_ = Samples{std::make_shared<const Audio>(std::move(audio))};
  return v;
}

Value Value::tuple(Array items) {
  Value v;
  v.data_ = Tuple{std::move(items)};
  return v;
}

bool Value::Samples::operator==(const Samples& o) const {
  return audio->channels == o.audio->channels && audio->sampling_rate == o.audio->sampling_rate &&
         audio->samples == o.audio->samples;
}

bool Value::Pixels::operator==(const Pixels& o) const {
  return image->width == o.image->width && image->height == o.image->height &&
         image->channels == o.image->channels && image->pixels == o.image->pixels;
}

Value Value::object(std::initializer_list<std::pair<std::string, Value>> members) {
  return Value(Object(members.begin(), members.end()));
}

Value::Kind Value::kind() const { return static_cast<Kind>(data_.index()); }

bool Value::is_number() const {
  const Kind k = kind();
  return k == Kind::kInt || k == Kind::kNumber || k == Kind::kFloat32;
}

const char* Value::kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kNumber:
    case Kind::kFloat32:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "list";
    case Kind::kObject:
      return "object";
    case Kind::kBytes:
      return "bytes";
    case Kind::kImage:
      return "image";
    case Kind::kAudio:
      return "audio";
    case Kind::kTuple:
      return "tuple";
  }
  return "value";
}

namespace {

[[noreturn]] void mismatch(const char* expected, Value::Kind actual) {
  throw std::invalid_argument(std::string("expected ") + expected + ", got " +
                              Value::kind_name(actual));
}

}  // namespace

bool Value::as_bool() const {
  if (const auto* b = std::get_if<bool>(&data_)) return *b;
  mismatch("bool", kind());
}

std::int64_t Value::as_int() const {
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return *i;
  mismatch("int", kind());
}

double Value::as_number() const {
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&data_)) return *d;
  if (const auto* f = std::get_if<Float32>(&data_)) return f->value;
  mismatch("number", kind());
}

const std::string& Value::as_string() const {
  if (const auto* s = std::get_if<std::string>(&data_)) return *s;
  mismatch("string", kind());
}

const Value::Array& Value::as_array() const {
  if (const auto* a = std::get_if<Array>(&data_)) return *a;
  mismatch("list", kind());
}

Value::Array& Value::as_array() {
  if (auto* a = std::get_if<Array>(&data_)) return *a;
  mismatch("list", kind());
}

const Value::Object& Value::as_object() const {
  if (const auto* o = std::get_if<Object>(&data_)) return *o;
  mismatch("object", kind());
}

Value::Object& Value::as_object() {
  if (auto* o = std::get_if<Object>(&data_)) return *o;
  mismatch("object", kind());
}

const std::string& Value::as_bytes() const {
  if (const auto* b = std::get_if<Bytes>(&data_)) return *b->data;
  mismatch("bytes", kind());
}

const Image& Value::as_image() const {
  if (const auto* p = std::get_if<Pixels>(&data_)) return *p->image;
  mismatch("image", kind());
}

const Audio& Value::as_audio() const {
  if (const auto* a = std::get_if<Samples>(&data_)) return *a->audio;
  mismatch("audio", kind());
}

const Value::Array& Value::as_tuple() const {
  if (const auto* t = std::get_if<Tuple>(&data_)) return t->items;
  mismatch("tuple", kind());
}

const Value* Value::find(std::string_view key) const {
  const auto* o = std::get_if<Object>(&data_);
  if (o == nullptr) return nullptr;
  for (const auto& [name, value] : *o) {
    if (name == key) return &value;
  }
  return nullptr;
}

void Value::set(std::string key, Value value) {
  Object& o = as_object();
  for (auto& [name, existing] : o) {
    if (name == key) {
      existing = std::move(value);
      return;
    }
  }
  o.emplace_back(std::move(key), std::move(value));
}

void Value::push_back(Value value) { as_array().push_back(std::move(value)); }

std::size_t Value::size() const {
  if (const auto* a = std::get_if<Array>(&data_)) return a->size();
  if (const auto* o = std::get_if<Object>(&data_)) return o->size();
  return 0;
}

bool Value::operator==(const Value& other) const { return data_ == other.data_; }

}  // namespace modelexport
