// serde_json's number rules (de.rs, `float_roundtrip` off) and recursion limit, on top of
// nlohmann's SAX parser and DOM builder.
#include "text/json_document.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace modelexport::text {
namespace {

// 1e0 ... 1e308, each the correctly rounded double of its literal, as serde_json's table.
const std::array<double, 309>& powers_of_ten() {
  static const std::array<double, 309> table = [] {
    std::array<double, 309> t{};
    for (int i = 0; i <= 308; ++i)
      t[static_cast<std::size_t>(i)] = std::stod("1e" + std::to_string(i));
    return t;
  }();
  return table;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// significand * 10 + digit would not fit in a u64.
bool would_overflow(std::uint64_t significand, std::uint64_t digit) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  return significand >= kMax / 10 && (significand > kMax / 10 || digit > kMax % 10);
}

// serde_json's f64_from_parts: one rounding for the significand, one for the scaling.
std::optional<double> from_parts(bool positive, std::uint64_t significand, std::int64_t exponent) {
  const auto& pow10 = powers_of_ten();
  double f = static_cast<double>(significand);
  for (;;) {
    const std::int64_t magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude <= 308) {
      if (exponent >= 0) {
        f *= pow10[static_cast<std::size_t>(magnitude)];
        if (std::isinf(f)) return std::nullopt;
      } else {
        f /= pow10[static_cast<std::size_t>(magnitude)];
      }
      break;
    }
    if (f == 0.0) break;
    if (exponent >= 0) return std::nullopt;
    f /= 1e308;
    exponent += 308;
  }
  return positive ? f : -f;
}

}  // namespace

std::optional<double> serde_json_number(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  bool positive = true;
  if (i < n && text[i] == '-') {
    positive = false;
    ++i;
  }
  if (i >= n || !is_digit(text[i])) return std::nullopt;
  std::uint64_t significand = 0;
  std::int64_t exponent = 0;
  bool saturated = false;  // the remaining integer digits are dropped (each scales by 10)
  if (text[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(text[i])) {
      const auto digit = static_cast<std::uint64_t>(text[i] - '0');
      if (saturated || would_overflow(significand, digit)) {
        saturated = true;
        ++exponent;  // parse_long_integer: a dropped integer digit is a power of ten
      } else {
        significand = significand * 10 + digit;
      }
      ++i;
    }
  }
  if (i < n && text[i] == '.') {
    ++i;
    // Each fraction digit is checked on its own (even after dropped integer digits); from the
    // first that overflows, the rest of the fraction is dropped.
    std::size_t digits = 0;
    bool fraction_dropped = false;
    while (i < n && is_digit(text[i])) {
      const auto digit = static_cast<std::uint64_t>(text[i] - '0');
      if (!fraction_dropped && would_overflow(significand, digit)) fraction_dropped = true;
      if (!fraction_dropped) {
        significand = significand * 10 + digit;
        --exponent;
      }
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool positive_exp = true;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      positive_exp = text[i] == '+';
      ++i;
    }
    if (i >= n || !is_digit(text[i])) return std::nullopt;
    std::int32_t exp = 0;
    for (; i < n && is_digit(text[i]); ++i) {
      const int digit = text[i] - '0';
      constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
      if (exp >= kMax / 10 && (exp > kMax / 10 || digit > kMax % 10)) {
        // parse_exponent_overflow: +/-0 for a huge negative exponent or a zero significand.
        if (significand != 0 && positive_exp) return std::nullopt;
        while (i < n && is_digit(text[i])) ++i;
        if (i != n) return std::nullopt;
        return positive ? 0.0 : -0.0;
      }
      exp = exp * 10 + digit;
    }
    // serde saturates the i32 sum; the i64 here cannot overflow and scales the same way.
    const std::int64_t sum = positive_exp ? exponent + exp : exponent - exp;
    constexpr std::int64_t kLow = std::numeric_limits<std::int32_t>::min();
    constexpr std::int64_t kHigh = std::numeric_limits<std::int32_t>::max();
    exponent = sum < kLow ? kLow : sum > kHigh ? kHigh : sum;
  }
  if (i != n) return std::nullopt;
  return from_parts(positive, significand, exponent);
}

namespace {

// nlohmann's DOM builder, with bounded nesting and optionally serde_json's float values.
template <class Json>
class BoundedSax {
 public:
  BoundedSax(Json& root, JsonNumbers numbers) : dom_(root), numbers_(numbers) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(typename Json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(typename Json::number_unsigned_t value) {
    return dom_.number_unsigned(value);
  }
  bool number_float(typename Json::number_float_t value, const std::string& text) {
    if (numbers_ == JsonNumbers::kCorrectlyRounded) return dom_.number_float(value, text);
    const std::optional<double> serde = serde_json_number(text);
    if (!serde) throw std::out_of_range("number out of range: " + text);
    return dom_.number_float(*serde, text);
  }
  bool string(std::string& value) { return dom_.string(value); }
  bool binary(typename Json::binary_t& value) { return dom_.binary(value); }
  bool start_object(std::size_t size) {
    enter();
    return dom_.start_object(size);
  }
  bool key(std::string& value) { return dom_.key(value); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t size) {
    enter();
    return dom_.start_array(size);
  }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& error) {
    return dom_.parse_error(position, token, error);
  }

 private:
  void enter() {
    if (++depth_ > kMaxJsonDepth) {
      throw std::out_of_range("nesting deeper than " + std::to_string(kMaxJsonDepth) +
                              " levels (the limit of tokenizers' JSON parser)");
    }
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  JsonNumbers numbers_;
  int depth_ = 0;
};

}  // namespace

template <class Json>
Json parse_json_document(std::string_view text, const std::string& origin, JsonNumbers numbers) {
  Json document;
  BoundedSax<Json> sax(document, numbers);
  try {
    Json::sax_parse(text.begin(), text.end(), &sax);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(origin + ": invalid JSON: " + e.what());
  } catch (const std::out_of_range& e) {
    throw std::invalid_argument(origin + ": invalid JSON: " + e.what());
  }
  return document;
}

template nlohmann::json parse_json_document<nlohmann::json>(std::string_view, const std::string&,
                                                            JsonNumbers);
template nlohmann::ordered_json parse_json_document<nlohmann::ordered_json>(std::string_view,
                                                                            const std::string&,
                                                                            JsonNumbers);

}  // namespace modelexport::text
